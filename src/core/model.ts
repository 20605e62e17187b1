// The attribution model of PRODUCT.md §3, shared by the extension, the git hooks and the CLI.
import type { NoteRuns } from './lineRuns';

/** Canonical lower-case agent ids; `unknown-ai` when an edit is certainly AI but its agent is not known. */
export const KNOWN_AGENTS = [
  'copilot',
  'claude-code',
  'cursor',
  'codex',
  'gemini-cli',
  'aider',
  'cline',
  'roo',
  'continue',
  'windsurf',
  'kiro',
  'unknown-ai',
] as const;

export type AgentId = string;

/** How we learned that an edit came from an AI. */
export type AttributionSource = 'inline-completion' | 'chat-edit' | 'agent-hook' | 'manual' | 'import';

export const ATTRIBUTION_SOURCES: readonly AttributionSource[] = [
  'inline-completion',
  'chat-edit',
  'agent-hook',
  'manual',
  'import',
];

export interface Attribution {
  readonly agent: AgentId;
  /** models.dev form `provider/model`, when known. */
  readonly model?: string;
  readonly source: AttributionSource;
  readonly session?: string;
  /** ISO 8601 time of the edit. */
  readonly at: string;
  /** Extra detail on the source, e.g. `shell` for an agent's shell-tool edit. */
  readonly detail?: string;
}

/** One string per attribution value: equal attributions, however made, give the same key. */
export function attributionKey(a: Attribution): string {
  return JSON.stringify([a.agent, a.model ?? null, a.source, a.session ?? null, a.at, a.detail ?? null]);
}

/** `human`: no AI evidence; `ai`: inserted by AI, untouched since; `mixed`: AI text a person then edited. */
export type LineKind = 'human' | 'ai' | 'mixed';

/** What a line is, as views and git see it. `attribution` is set exactly when kind is not `human`. */
export interface LineProvenance {
  readonly kind: LineKind;
  readonly attribution?: Attribution;
}

export const HUMAN: LineProvenance = Object.freeze({ kind: 'human' as const });

/** A line with AI evidence: `ai` or `mixed`. */
export function isAi(p: LineProvenance): boolean {
  return p.kind !== 'human';
}

export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** A change as VS Code reports it in `TextDocumentChangeEvent.contentChanges`; an event's changes apply one after another. */
export interface TextChange {
  readonly range: Range;
  readonly rangeOffset: number;
  readonly rangeLength: number;
  readonly text: string;
}

export type EditReason = 'undo' | 'redo' | undefined;

/** `agent[:model]`, the form used by `Assisted-by:` trailers. */
export function agentLabel(a: Pick<Attribution, 'agent' | 'model'>): string {
  return a.model ? `${a.agent}:${a.model}` : a.agent;
}

/** A git trailer line `Token: value`. */
export interface Trailer {
  readonly token: string;
  readonly value: string;
}

/**
 * What one commit adds or changes in one file: every added/changed line, with the AI ones among them as NoteRuns
 * (AI and mixed runs among the added/changed lines naming `attributions` by id, 0-based line numbers in the
 * committed version of the file).
 */
export interface CommitFileProvenance extends NoteRuns {
  /** Repository-relative path, `/`-separated, in the committed version. */
  readonly path: string;
  /** Number of lines the commit adds or changes in this file. */
  readonly addedLines: number;
}
