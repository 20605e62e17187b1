// Decides who made an edit from the evidence VS Code gives (§4). Free of 'vscode' so it is unit-tested in plain Node.
import type { AgentId, Attribution, AttributionSource } from '../core/model';
import { normalizeModel } from '../core/modelName';
import type { Carry } from '../core/tracker';

/** Built-in map from extension ids (lower case) to canonical agents; the `aiProvenance.detection.agents` setting overrides it. */
export const DEFAULT_AGENT_MAP: Readonly<Record<string, AgentId>> = Object.freeze({
  'github.copilot': 'copilot',
  'github.copilot-chat': 'copilot',
  'anthropic.claude-code': 'claude-code',
  'openai.chatgpt': 'codex',
  'saoudrizwan.claude-dev': 'cline',
  'rooveterinaryinc.roo-cline': 'roo',
  'continue.continue': 'continue',
  'codeium.codeium': 'windsurf',
  'codeium.windsurf': 'windsurf',
  // Assistants without a canonical id of their own (Amazon Q, Gemini Code Assist, …) count as `unknown-ai`
  // unless the user maps them in `aiProvenance.detection.agents`.
});

/** A setting value that says an extension's edits are not AI (e.g. a snippet provider). */
export const NOT_AI = 'human';

export type AgentMap = ReadonlyMap<string, AgentId>;

/** Merges the user's overrides (extension id → agent, or `human`) over the defaults; ids compare case-insensitively. */
export function buildAgentMap(overrides: Readonly<Record<string, unknown>> | undefined): AgentMap {
  const map = new Map<string, AgentId>(Object.entries(DEFAULT_AGENT_MAP));
  for (const [id, agent] of Object.entries(overrides ?? {})) {
    if (typeof agent === 'string' && agent.trim() !== '') map.set(id.toLowerCase(), agent.trim().toLowerCase());
  }
  return map;
}

/** The parts of the proposed `TextDocumentChangeEvent.detailedReason` we rely on, read defensively. */
export interface EditSource {
  readonly source: string;
  readonly extensionId?: string;
  readonly modelId?: string;
  readonly sessionId?: string;
  /** What the cursor did (`type`, `paste`, `cut`, …) when `source` is `cursor`. */
  readonly kind?: string;
  /** The editor operation (`formatEditsCommand`, …) when `source` is `unknown`. */
  readonly name?: string;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Reads `detailedReason` from a change event of unknown shape; undefined when absent or malformed. */
export function readEditSource(event: unknown): EditSource | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const reason: unknown = (event as { detailedReason?: unknown }).detailedReason;
  if (typeof reason !== 'object' || reason === null) return undefined;
  const r = reason as Record<string, unknown>;
  const source = str(r.source);
  if (!source) return undefined;
  // Metadata has been seen both nested under `metadata` and flattened onto the reason.
  const meta = typeof r.metadata === 'object' && r.metadata !== null ? (r.metadata as Record<string, unknown>) : r;
  const kind = str(r.kind) ?? str(meta.kind);
  const name = str(r.name) ?? str(meta.name);
  return {
    source,
    extensionId: str(meta.$extensionId) ?? str(r.$extensionId),
    modelId: str(meta.$modelId) ?? str(r.$modelId),
    sessionId: str(meta.$$sessionId) ?? str(r.$$sessionId),
    ...(kind ? { kind } : {}),
    ...(name ? { name } : {}),
  };
}

/**
 * Which of a person's changes may carry cut or copied AI text along: any for a cut or paste, only multi-line text
 * when VS Code does not say what the edit was, none for typing, deleting and everything else it names.
 */
export function carryOf(src: EditSource | undefined): Carry {
  if (!src || src.source === 'unknown') return 'lines';
  if (src.source === 'cursor' && (src.kind === 'paste' || src.kind === 'cut')) return 'any';
  return 'none';
}

/** Whether VS Code says a formatter made the edit (Format Document, format on save, on paste, on type). */
export function isFormatterEdit(src: EditSource | undefined): boolean {
  return src?.source === 'unknown' && src.name === 'formatEditsCommand';
}

const INLINE_SOURCES = new Set(['inlineCompletionAccept', 'inlineCompletionPartialAccept']);
const CHAT_SOURCES = new Set(['Chat.applyEdits', 'inlineChat.applyEdits']);

/**
 * What an edit source says about the edit:
 * - an Attribution when it certainly came from an AI,
 * - `human` when VS Code says a person did it (typing, paste, undo, reload…),
 * - undefined when it says nothing either way (e.g. `workspace.applyEdit`), so weaker evidence may decide.
 */
export function classifyEditSource(src: EditSource, agents: AgentMap, now: Date): Attribution | 'human' | undefined {
  let source: AttributionSource;
  if (INLINE_SOURCES.has(src.source)) source = 'inline-completion';
  else if (CHAT_SOURCES.has(src.source)) source = 'chat-edit';
  else if (src.source === 'unknown') return undefined;
  else return 'human';
  let agent: AgentId = 'unknown-ai';
  if (src.extensionId) {
    const mapped = agents.get(src.extensionId.toLowerCase());
    if (mapped === NOT_AI) return 'human';
    if (mapped) agent = mapped;
  }
  return attribution(agent, source, now, normalizeModel(src.modelId), src.sessionId);
}

export function attribution(agent: AgentId, source: AttributionSource, now: Date, model?: string, session?: string): Attribution {
  return {
    agent,
    source,
    at: now.toISOString(),
    ...(model ? { model } : {}),
    ...(session ? { session } : {}),
  };
}

/** URI schemes of VS Code's chat-editing sessions (Copilot Chat edits, agent mode). */
export const CHAT_EDITING_SCHEMES: ReadonlySet<string> = new Set(['chat-editing-snapshot-text-model', 'chat-editing-text-model']);
/** URI scheme of the diff views Cline (and its fork Roo) open while writing a file. */
export const CLINE_DIFF_SCHEME = 'cline-diff';

/** Picks the agent for stable-API evidence that names no extension: the one mapped agent among active extensions, else `unknown-ai`. */
export function soleActiveAgent(activeExtensionIds: Iterable<string>, agents: AgentMap, among?: ReadonlySet<AgentId>): AgentId {
  const found = new Set<AgentId>();
  for (const id of activeExtensionIds) {
    const a = agents.get(id.toLowerCase());
    if (a && a !== NOT_AI && (!among || among.has(a))) found.add(a);
  }
  return found.size === 1 ? [...found][0] : 'unknown-ai';
}

/**
 * The inline-suggestion accept window of the stable-API fallback: our Tab binding arms it for one document right
 * before VS Code's accept command runs and disarms it right after, so only the edit that command makes falls inside.
 */
export class AcceptWindow {
  private armed: { readonly uri: string; readonly until: number; readonly agent?: AgentId } | undefined;

  constructor(private readonly maxMs = 1000) {}

  /** `agent` is set when the accept command itself names the AI (Cursor's own Tab). */
  arm(uri: string, nowMs: number, agent?: AgentId): void {
    this.armed = { uri, until: nowMs + this.maxMs, agent };
  }

  disarm(): void {
    this.armed = undefined;
  }

  /** Whether an edit to `uri` at `nowMs` was made by the accept command (with the agent it named); the window closes after the first such edit. */
  take(uri: string, nowMs: number): { agent?: AgentId } | undefined {
    const a = this.armed;
    if (!a) return undefined;
    if (nowMs > a.until) {
      this.armed = undefined;
      return undefined;
    }
    if (a.uri !== uri) return undefined;
    this.armed = undefined;
    return { agent: a.agent };
  }
}
