// Critical paths in the editor (§8): diagnostics on AI lines, a one-time notice per file, and the hits the status bar shows.
import * as vscode from 'vscode';
import { notificationText, visibleText } from '../core/markdownText';
import { DIAGNOSTIC_SOURCE, type TeamConfig } from './teamConfig';
import type { ProvenanceService } from './provenance';
import type { Settings } from './settings';

const NOTIFIED_KEY = 'aiProvenance.notifiedCriticalFiles';

export class CriticalPaths implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly notified: Set<string>;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly service: ProvenanceService,
    private readonly config: TeamConfig,
    private readonly diagnostics: vscode.DiagnosticCollection,
    private readonly memento: vscode.Memento,
    private settings: Settings,
  ) {
    this.notified = new Set(memento.get<string[]>(NOTIFIED_KEY, []));
    this.disposables.push(this.changed);
    service.onDidChangeProvenance((uri) => this.refresh(uri), this, this.disposables);
    config.onDidChange(() => this.refreshAll(), this, this.disposables);
    vscode.workspace.onDidCloseTextDocument((d) => this.diagnostics.delete(d.uri), this, this.disposables);
  }

  update(settings: Settings): void {
    this.settings = settings;
  }

  refreshAll(): void {
    for (const d of this.service.all()) this.refresh(d.uri);
  }

  /** AI line count of a tracked file in a critical path, with its rule; undefined when the file is not critical. */
  hits(uri: vscode.Uri): { lines: number; rule: { reason: string; level: 'warn' | 'block' } } | undefined {
    const state = this.service.get(uri);
    const rule = this.config.ruleFor(state?.repo, state?.relPath);
    if (!state || !rule) return undefined;
    return { lines: state.tracker.aiLineCount(), rule };
  }

  private refresh(uri: vscode.Uri): void {
    const state = this.service.get(uri);
    const rule = this.config.ruleFor(state?.repo, state?.relPath);
    if (!state || !rule) {
      // Called on every keystroke: a file that is not critical has nothing to clear, and nobody needs telling.
      if (!this.diagnostics.has(uri)) return;
      this.diagnostics.delete(uri);
      this.changed.fire();
      return;
    }
    const severity = rule.level === 'block' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
    const advice = rule.level === 'block' ? 'a reviewer must sign off (AI-Reviewed-by) before commit' : 'review before commit';
    const { runs, attributions } = state.tracker.provenance();
    const list = runs.map((r) => {
      const d = new vscode.Diagnostic(
        new vscode.Range(r.start, 0, r.end - 1, Number.MAX_SAFE_INTEGER),
        `AI-written lines (${visibleText(attributions[r.id]!.agent)}) in a critical path: ${visibleText(rule.reason)} — ${advice}`,
        severity,
      );
      d.source = DIAGNOSTIC_SOURCE;
      d.code = rule.level === 'block' ? 'critical-block' : 'critical-warn';
      return d;
    });
    this.diagnostics.set(uri, list);
    this.changed.fire();
    if (list.length > 0 && state.relPath && this.settings.criticalNotifications) this.notifyOnce(uri, state.relPath, rule.reason);
  }

  private notifyOnce(uri: vscode.Uri, relPath: string, reason: string): void {
    const key = uri.toString();
    if (this.notified.has(key)) return;
    this.notified.add(key);
    void this.memento.update(NOTIFIED_KEY, [...this.notified]);
    void vscode.window
      // The path and the reason come from the repository: VS Code would make `[label](command:…)` in them a link.
      .showWarningMessage(`AI-written lines in ${notificationText(relPath)}, a critical path: ${notificationText(reason)}.`, 'Show AI Lines', 'Sign Off')
      .then((choice) => {
        if (choice === 'Show AI Lines') void vscode.commands.executeCommand('aiProvenance.showAiLines', uri);
        else if (choice === 'Sign Off') void vscode.commands.executeCommand('aiProvenance.signOff');
      });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
