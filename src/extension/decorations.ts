// Gutter bars, overview-ruler marks and hovers for AI lines: one decoration type per style, updates debounced.
import * as vscode from 'vscode';
import { markdownCodeSpan, markdownText } from '../core/markdownText';
import { COLOURED_AGENTS, agentColourId, planDecorations, type DecorationPlan, type Span } from './decorationModel';
import type { ProvenanceService } from './provenance';
import type { Settings } from './settings';
import type { TeamConfig } from './teamConfig';

const UPDATE_DELAY_MS = 30;

export class Decorations implements vscode.Disposable {
  private readonly types = new Map<string, vscode.TextEditorDecorationType>();
  /** Style keys set on each editor, so styles that disappear are cleared. */
  private readonly applied = new WeakMap<vscode.TextEditor, Set<string>>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private hover: vscode.Disposable | undefined;

  constructor(
    private readonly service: ProvenanceService,
    private readonly config: TeamConfig,
    private readonly media: vscode.Uri,
    private settings: Settings,
  ) {
    service.onDidChangeProvenance((uri) => this.schedule(uri), this, this.disposables);
    config.onDidChange(() => this.scheduleAll(), this, this.disposables);
    vscode.window.onDidChangeVisibleTextEditors(() => this.scheduleAll(), this, this.disposables);
    this.setHover(settings.hovers && settings.annotations);
  }

  /** Styles are rebuilt only when a style setting changes. */
  update(settings: Settings): void {
    const restyle = settings.overviewRuler !== this.settings.overviewRuler || settings.annotations !== this.settings.annotations;
    this.settings = settings;
    if (restyle) this.disposeTypes();
    this.setHover(settings.hovers && settings.annotations);
    this.scheduleAll();
  }

  private setHover(on: boolean): void {
    if (on && !this.hover) {
      this.hover = vscode.languages.registerHoverProvider([{ scheme: 'file' }, { scheme: 'untitled' }], {
        provideHover: (doc, pos) => this.hoverAt(doc, pos),
      });
    } else if (!on && this.hover) {
      this.hover.dispose();
      this.hover = undefined;
    }
  }

  private hoverAt(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const info = this.service.info(doc.uri, pos.line);
    if (!info || info.kind === 'human') return undefined;
    // Agent, model, source, detail, session and reason come from notes and the team config: text only, never links or commands.
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = false;
    md.supportHtml = false;
    const icons = { themeIcons: true };
    md.appendMarkdown(`**${info.kind === 'mixed' ? 'AI-written, edited by a person' : 'AI-written'}** — $(sparkle) ${markdownText(info.agent ?? 'unknown-ai', icons)}`);
    if (info.model) md.appendMarkdown(` · ${markdownCodeSpan(info.model, icons)}`);
    md.appendMarkdown('\n\n');
    const facts: string[] = [];
    if (info.source) facts.push(`source: ${markdownText(info.source, icons)}${info.detail ? ` (${markdownText(info.detail, icons)})` : ''}`);
    if (info.at && !info.at.startsWith('1970')) facts.push(`at: ${markdownText(new Date(info.at).toLocaleString(), icons)}`);
    if (info.session) facts.push(`session: ${markdownCodeSpan(info.session, icons)}`);
    facts.push(info.commit ? `commit: ${markdownCodeSpan(info.commit.slice(0, 12), icons)}` : 'not committed yet');
    md.appendMarkdown(facts.join(' · '));
    const state = this.service.get(doc.uri);
    const rule = this.config.ruleFor(state?.repo, state?.relPath);
    if (rule) md.appendMarkdown(`\n\n$(warning) Critical path (${rule.level}): ${markdownText(rule.reason, icons)}`);
    return new vscode.Hover(md, doc.lineAt(pos.line).range);
  }

  private schedule(uri: vscode.Uri): void {
    this.pending.add(uri.toString());
    this.arm();
  }

  scheduleAll(): void {
    for (const e of vscode.window.visibleTextEditors) this.pending.add(e.document.uri.toString());
    this.arm();
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const uris = new Set(this.pending);
      this.pending.clear();
      for (const editor of vscode.window.visibleTextEditors) if (uris.has(editor.document.uri.toString())) this.render(editor);
    }, UPDATE_DELAY_MS);
  }

  /** Recomputes and sets every style on one editor; public so the benchmark can time it. */
  render(editor: vscode.TextEditor): DecorationPlan | undefined {
    const applied = this.applied.get(editor) ?? new Set<string>();
    this.applied.set(editor, applied);
    const state = this.service.get(editor.document.uri);
    const critical = this.config.ruleFor(state?.repo, state?.relPath) !== undefined;
    const plan = this.settings.annotations ? planDecorations(this.service.runs(editor.document.uri), critical) : undefined;
    const next = new Map<string, Span[]>(plan?.byStyle ?? []);
    if (plan && plan.all.length > 0) next.set('critical', plan.all);
    for (const key of applied) if (!next.has(key)) editor.setDecorations(this.type(key), []);
    applied.clear();
    for (const [key, spans] of next) {
      editor.setDecorations(this.type(key), spans.map(toRange));
      applied.add(key);
    }
    return plan;
  }

  private type(key: string): vscode.TextEditorDecorationType {
    let t = this.types.get(key);
    if (!t) {
      t = vscode.window.createTextEditorDecorationType(this.style(key));
      this.types.set(key, t);
    }
    return t;
  }

  private style(key: string): vscode.DecorationRenderOptions {
    if (key === 'critical') {
      return {
        isWholeLine: true,
        gutterIconPath: vscode.Uri.joinPath(this.media, 'critical.svg'),
        gutterIconSize: 'contain',
        backgroundColor: new vscode.ThemeColor('aiProvenance.criticalLineBackground'),
        overviewRulerColor: this.settings.overviewRuler ? new vscode.ThemeColor('aiProvenance.critical') : undefined,
        overviewRulerLane: vscode.OverviewRulerLane.Left,
      };
    }
    const [kind, slot] = key.split(':');
    const colour = new vscode.ThemeColor(agentColourId(slot));
    // A thin bar at the start of the line in the agent's colour: solid for AI, dashed once a person edited it.
    return {
      isWholeLine: true,
      borderColor: colour,
      borderStyle: kind === 'mixed' ? 'dashed' : 'solid',
      borderWidth: '0 0 0 3px',
      overviewRulerColor: this.settings.overviewRuler ? (kind === 'mixed' ? new vscode.ThemeColor('aiProvenance.mixed') : colour) : undefined,
      overviewRulerLane: vscode.OverviewRulerLane.Right,
    };
  }

  private disposeTypes(): void {
    for (const t of this.types.values()) t.dispose();
    this.types.clear();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.hover?.dispose();
    this.disposeTypes();
    for (const d of this.disposables) d.dispose();
  }
}

function toRange(s: Span): vscode.Range {
  return new vscode.Range(s.start, 0, s.end - 1, 0);
}

export const AGENT_SLOTS: readonly string[] = [...COLOURED_AGENTS, 'other'];
