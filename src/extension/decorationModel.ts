// Turns a document's AI runs into ranges per decoration style; free of 'vscode' so the hot path is benchmarked in Node.
import { KNOWN_AGENTS, type AgentId } from '../core/model';
import type { LineRuns } from '../core/lineRuns';

export type StyleKind = 'ai' | 'mixed';

/** Agents with their own colour; any other agent id is drawn with the `other` colour. */
export const COLOURED_AGENTS: readonly AgentId[] = KNOWN_AGENTS;

export function agentSlot(agent: AgentId): string {
  return (COLOURED_AGENTS as readonly string[]).includes(agent) ? agent : 'other';
}

/** `ai:copilot`, `mixed:other`, … : one decoration type each. */
export function styleKey(kind: StyleKind, agent: AgentId): string {
  return `${kind}:${agentSlot(agent)}`;
}

/** Colour id for an agent slot: hyphens are not allowed in colour ids, so `claude-code` becomes `claudeCode`. */
export function agentColourId(slot: string): string {
  return `aiProvenance.agent.${slot.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())}`;
}

/** Line spans, 0-based, end exclusive. */
export interface Span {
  start: number;
  end: number;
}

export interface DecorationPlan {
  /** Spans per style key, adjacent spans of one style merged. */
  readonly byStyle: Map<string, Span[]>;
  /** Every AI or mixed line, merged, for the critical-file marker; empty unless asked for. */
  readonly all: Span[];
}

const keyCache = new Map<AgentId, readonly [string, string]>();

function keysOf(agent: AgentId): readonly [string, string] {
  let k = keyCache.get(agent);
  if (!k) {
    k = [styleKey('ai', agent), styleKey('mixed', agent)];
    if (keyCache.size < 1000) keyCache.set(agent, k);
  }
  return k;
}

function push(list: Span[], start: number, end: number): void {
  const last = list[list.length - 1];
  if (last && last.end >= start) last.end = Math.max(last.end, end);
  else list.push({ start, end });
}

/** Groups a document's runs by style and merges neighbours; `withAll` also lists every AI line. */
export function planDecorations(provenance: LineRuns, withAll = false): DecorationPlan {
  const byStyle = new Map<string, Span[]>();
  const all: Span[] = [];
  const keys = provenance.attributions.map((a) => keysOf(a.agent));
  let lastKey = '';
  let list: Span[] | undefined;
  for (const r of provenance.runs) {
    if (r.end <= r.start) continue;
    const key = keys[r.id]![r.kind === 'mixed' ? 1 : 0];
    if (key !== lastKey || !list) {
      list = byStyle.get(key);
      if (!list) byStyle.set(key, (list = []));
      lastKey = key;
    }
    push(list, r.start, r.end);
    if (withAll) push(all, r.start, r.end);
  }
  return { byStyle, all };
}
