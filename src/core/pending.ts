// AI lines not committed yet, per file: what `status`, the report, the Explorer badges and the Source Control view show.
import type { CompiledConfig } from './config';
import { agentLabel } from './model';
import type { LineRuns } from './lineRuns';

export interface PendingFile {
  readonly path: string;
  /** Lines of the file as it is now. */
  readonly lines: number;
  readonly aiLines: number;
  readonly mixedLines: number;
  /** 1-based inclusive line ranges of the AI and mixed lines. */
  readonly ranges: readonly (readonly [number, number])[];
  /** `agent[:model]` labels, sorted. */
  readonly agents: readonly string[];
  readonly critical?: { readonly level: 'warn' | 'block'; readonly reason: string; readonly rule: number };
}

/** The pending summary of one file; undefined when it has no AI or mixed line. */
export function summarizePending(path: string, lines: LineRuns, config: CompiledConfig): PendingFile | undefined {
  let aiLines = 0;
  let mixedLines = 0;
  const ranges: [number, number][] = [];
  const agents = new Set<string>();
  for (const r of lines.runs) {
    if (r.kind === 'ai') aiLines += r.end - r.start;
    else mixedLines += r.end - r.start;
    agents.add(agentLabel(lines.attributions[r.id]!));
    const last = ranges[ranges.length - 1];
    if (last && last[1] === r.start) last[1] = r.end;
    else ranges.push([r.start + 1, r.end]);
  }
  if (aiLines + mixedLines === 0) return undefined;
  const hit = config.ruleFor(path);
  return {
    path,
    lines: lines.lineCount,
    aiLines,
    mixedLines,
    ranges,
    agents: [...agents].sort(),
    ...(hit && { critical: { level: hit.rule.level, reason: hit.rule.reason, rule: hit.index } }),
  };
}
