// The four evidence layers of §4 applied to one change event: edit source, then the stable-API fallbacks.
import * as vscode from 'vscode';
import type { Attribution } from '../core/model';
import type { Carry } from '../core/tracker';
import {
  AcceptWindow,
  CHAT_EDITING_SCHEMES,
  CLINE_DIFF_SCHEME,
  attribution,
  buildAgentMap,
  carryOf,
  classifyEditSource,
  isFormatterEdit,
  readEditSource,
  soleActiveAgent,
  type AgentMap,
} from './detection';
import type { Settings } from './settings';

// A chat-editing model that changed this recently is the one streaming into the file.
const CHAT_STREAM_MS = 2000;
const CHAT_AGENTS = new Set(['copilot', 'claude-code', 'codex', 'cline', 'roo', 'continue', 'windsurf', 'kiro', 'cursor']);

export class Detector implements vscode.Disposable {
  readonly acceptWindow = new AcceptWindow();
  private agents: AgentMap;
  private readonly chatModelChanged = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private settings: Settings) {
    this.agents = buildAgentMap(settings.agents);
    vscode.workspace.onDidChangeTextDocument(this.onAnyChange, this, this.disposables);
  }

  /**
   * What a person's change event does besides writing: which text it may carry along from a cut or copy, and whether
   * a formatter made it (only the edit source tells: format on save runs before extensions hear of the save).
   */
  movement(e: vscode.TextDocumentChangeEvent): { carry: Carry; layout: boolean } {
    const src = this.settings.useEditSource ? readEditSource(e) : undefined;
    return { carry: carryOf(src), layout: isFormatterEdit(src) };
  }

  update(settings: Settings): void {
    this.settings = settings;
    this.agents = buildAgentMap(settings.agents);
  }

  /** The AI author of a change to a tracked document, or undefined for a person (no evidence means human). */
  authorOf(e: vscode.TextDocumentChangeEvent, now = new Date()): Attribution | undefined {
    const uri = e.document.uri.toString();
    if (this.settings.useEditSource) {
      const src = readEditSource(e);
      if (src) {
        const verdict = classifyEditSource(src, this.agents, now);
        if (verdict === 'human') return undefined;
        if (verdict) {
          // Closes the fallback window so the same accept is not counted twice.
          this.acceptWindow.take(uri, now.getTime());
          return verdict;
        }
      }
    }
    const accepted = this.settings.interceptInlineAccept ? this.acceptWindow.take(uri, now.getTime()) : undefined;
    if (accepted) return attribution(accepted.agent ?? this.activeAgent(), 'inline-completion', now);
    if (this.settings.chatEditingFallback && isBulk(e)) {
      const chat = this.chatEditingAuthor(e.document.uri, now);
      if (chat) return chat;
    }
    return undefined;
  }

  private activeAgent(among?: ReadonlySet<string>): string {
    return soleActiveAgent(
      vscode.extensions.all.filter((x) => x.isActive).map((x) => x.id),
      this.agents,
      among,
    );
  }

  private chatEditingAuthor(uri: vscode.Uri, now: Date): Attribution | undefined {
    const t = this.chatModelChanged.get(uri.path);
    if (t !== undefined && now.getTime() - t <= CHAT_STREAM_MS) {
      return attribution(this.activeAgent(CHAT_AGENTS), 'chat-edit', now);
    }
    const key = uri.toString();
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        const input = tab.input;
        if (input instanceof vscode.TabInputTextDiff && input.original.scheme === CLINE_DIFF_SCHEME && input.modified.toString() === key) {
          const agent = this.activeAgent(new Set(['cline', 'roo']));
          return attribution(agent === 'unknown-ai' ? 'cline' : agent, 'chat-edit', now);
        }
      }
    }
    return undefined;
  }

  private onAnyChange(e: vscode.TextDocumentChangeEvent): void {
    if (CHAT_EDITING_SCHEMES.has(e.document.uri.scheme) && e.contentChanges.length > 0) {
      this.chatModelChanged.set(e.document.uri.path, Date.now());
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** Typing changes one character at a time; agents write whole lines. Only such bulk changes count as weak evidence. */
function isBulk(e: vscode.TextDocumentChangeEvent): boolean {
  return e.contentChanges.some((c) => c.text.includes('\n') || c.text.length > 1);
}
