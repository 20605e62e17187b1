// The hostile inputs too large to keep as files, made the same way every time (see README.md in this folder).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export const FIXTURES = __dirname;

/** A fixture's text; `@REVISION@` in a note fixture stands for the commit it is attached to. */
export function fixture(name: string, revision = ''): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8').replace(/@REVISION@/g, revision);
}

/** A valid config padded with a comment to `bytes` (10 MB: the one that slowed every command to 10–20 s). */
export function paddedConfig(bytes: number): string {
  const head = '{ "critical": [ { "paths": ["infra/**"], "reason": "Production infrastructure", "level": "block" } ] }\n// ';
  return head + 'x'.repeat(Math.max(0, bytes - head.length - 1)) + '\n';
}

/** One pattern of `chars` characters (1 MB: a regular expression V8 refuses to build). */
export function longPatternConfig(chars: number): string {
  return JSON.stringify({ critical: [{ paths: [`infra/${'a'.repeat(chars)}`], reason: 'Long pattern', level: 'block' }] });
}

/** An Agent Trace note naming `count` files under `dir`, each with AI lines 1-3 (100,000: `check` took 131 s). */
export function manyFileNote(revision: string, count: number, dir = 'infra'): string {
  const files = [];
  const meta: Record<string, { added_lines: number; conversations: number[] }> = {};
  for (let i = 0; i < count; i++) {
    const p = `${dir}/f${i}.tf`;
    files.push({ path: p, conversations: [{ contributor: { type: 'ai' }, ranges: [{ start_line: 1, end_line: 3 }] }] });
    meta[p] = { added_lines: 3, conversations: [0] };
  }
  return JSON.stringify({
    version: '0.1.0',
    id: '00000000-0000-4000-8000-000000000001',
    timestamp: '2026-01-01T00:00:00.000Z',
    vcs: { type: 'git', revision },
    tool: { name: 'ai-provenance', version: '0.1.0' },
    files,
    metadata: { 'dev.ai-provenance': { attributions: [{ agent: 'claude-code', source: 'agent-hook', at: '2026-01-01T00:00:00.000Z' }], files: meta } },
  });
}

/** A note of one file with `count` ranges stacked on all of its first `lines` lines and beyond. */
export function stackedRangesNote(revision: string, file: string, count: number): string {
  const ranges = Array.from({ length: count }, () => ({ start_line: 1, end_line: 1_000_000_000 }));
  return JSON.stringify({
    version: '0.1.0',
    id: '00000000-0000-4000-8000-000000000002',
    timestamp: '2026-01-01T00:00:00.000Z',
    vcs: { type: 'git', revision },
    files: [{ path: file, conversations: [{ contributor: { type: 'ai' }, ranges }] }],
  });
}

export interface TerminalCase {
  readonly attack: string;
  readonly input: string;
  readonly shown: string;
}

export function terminalCases(): TerminalCase[] {
  return JSON.parse(fixture('terminal-strings.json')) as TerminalCase[];
}
