// The AI share of the active file in the status bar, in the warning colours when a critical path has AI lines.
import * as vscode from 'vscode';
import { markdownText } from '../core/markdownText';
import type { CriticalPaths } from './critical';
import type { ProvenanceService } from './provenance';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('aiProvenance.share', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(
    private readonly service: ProvenanceService,
    private readonly critical: CriticalPaths,
  ) {
    this.item.name = 'AI Provenance';
    this.item.command = 'aiProvenance.showSummary';
    vscode.window.onDidChangeActiveTextEditor(() => this.render(), this, this.disposables);
    service.onDidChangeProvenance(() => this.render(), this, this.disposables);
    critical.onDidChange(() => this.render(), this, this.disposables);
    this.render();
  }

  render(): void {
    const editor = vscode.window.activeTextEditor;
    const doc = editor && this.service.get(editor.document.uri);
    if (!doc) {
      this.item.hide();
      return;
    }
    const total = doc.tracker.lineCount;
    const ai = doc.tracker.aiLineCount();
    const share = total === 0 ? 0 : Math.round((ai / total) * 100);
    const hit = this.critical.hits(doc.uri);
    const warn = hit !== undefined && hit.lines > 0;
    this.item.text = `${warn ? '$(warning)' : '$(sparkle)'} AI ${share}%`;
    // The reason comes from the team config: text only, never a link or a command.
    const tooltip = new vscode.MarkdownString(
      `**AI Provenance**: ${ai} of ${total} lines AI-written` +
        (warn && hit ? `\n\n$(warning) Critical path (${hit.rule.level}): ${markdownText(hit.rule.reason, { themeIcons: true })}` : ''),
      true,
    );
    tooltip.isTrusted = false;
    tooltip.supportHtml = false;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = warn ? new vscode.ThemeColor(hit?.rule.level === 'block' ? 'statusBarItem.errorBackground' : 'statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: `AI Provenance: ${share} percent of this file AI-written${warn ? ', critical path' : ''}` };
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
