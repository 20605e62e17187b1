// What every agent's hook payload is normalized into before anything touches the disk.

/** One text replacement as an agent reports it; replacements of one edit apply in order. */
export interface Replacement {
  readonly oldText: string;
  readonly newText: string;
  /** Every occurrence was replaced (Claude `replace_all`, Gemini `expected_replacements` > 1). */
  readonly all?: boolean;
  /** 1-based line where the replacement starts, when the agent reports it (Cursor Tab). */
  readonly lineHint?: number;
}

/** A hunk of a line-based patch: the lines it expects before and the lines it leaves after. */
export interface PatchHunk {
  readonly oldLines: readonly string[];
  readonly newLines: readonly string[];
  /** The hunk is anchored at the end of the file (`*** End of File`). */
  readonly atEnd?: boolean;
}

/** How one file was written, as far as the payload tells. */
export type FileWrite =
  /** The whole file now holds `content`; `created` when the agent says the file is new. */
  | { readonly kind: 'write'; readonly path: string; readonly content: string; readonly created?: boolean }
  | { readonly kind: 'replace'; readonly path: string; readonly replacements: readonly Replacement[] }
  | { readonly kind: 'patch'; readonly path: string; readonly hunks: readonly PatchHunk[]; readonly moveFrom?: string }
  | { readonly kind: 'delete'; readonly path: string }
  /** A write the payload does not describe: only a before-edit snapshot can attribute it. */
  | { readonly kind: 'snapshot-only'; readonly path: string };

export interface SessionInfo {
  /** Directory relative paths in the payload are resolved against. */
  readonly cwd?: string;
  readonly session?: string;
  /** Model exactly as the payload names it; normalized later. */
  readonly model?: string;
  /** Where to read the model from when the payload does not carry it (Claude Code transcript). */
  readonly transcriptPath?: string;
}

/**
 * The normalized meaning of one hook call.
 * `key` ties a before-event to its after-event (tool call id, or what the agent offers instead).
 */
export type HookEvent =
  /** `writes`: what the tool is about to write, when the pre-event describes it exactly (recovers a lost after-event). */
  | ({ readonly kind: 'before-edit'; readonly key: string; readonly paths: readonly string[]; readonly writes?: readonly FileWrite[]; readonly info: SessionInfo } & Gate)
  | { readonly kind: 'after-edit'; readonly key: string; readonly writes: readonly FileWrite[]; readonly info: SessionInfo }
  /** `command`: the command line the shell tool is about to run, for the command rules. */
  | ({ readonly kind: 'before-shell'; readonly key: string; readonly command: string; readonly info: SessionInfo } & Gate)
  | { readonly kind: 'after-shell'; readonly key: string; readonly info: SessionInfo }
  /** Nothing to record; `reason` is shown to the user when it is something they should know. */
  | { readonly kind: 'ignore'; readonly reason?: string };

/** What a pre-tool event tells the guard (§12) beyond what the recorder needs. */
export interface Gate {
  /** The agent's name for the event, which decides the shape of its decision JSON. */
  readonly gate?: string;
  /** The event only asks for a decision: nothing to snapshot (its after-event is located another way). */
  readonly gateOnly?: boolean;
}

/** Thrown by payload parsers; the message names the field that was wrong. */
export class PayloadError extends Error {
  override readonly name = 'PayloadError';
}

export type JsonObject = { readonly [key: string]: unknown };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A required string field, or a PayloadError naming it. */
export function str(o: JsonObject, key: string, where = ''): string {
  const v = o[key];
  if (typeof v !== 'string') throw new PayloadError(`missing or non-string field '${where}${key}'`);
  return v;
}

/** An optional string field; non-strings count as absent. */
export function optStr(o: JsonObject, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function obj(o: JsonObject, key: string, where = ''): JsonObject {
  const v = o[key];
  if (!isObject(v)) throw new PayloadError(`missing or non-object field '${where}${key}'`);
  return v;
}
