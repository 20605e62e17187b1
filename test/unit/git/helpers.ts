// Temporary repositories with real git for the git-side tests.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Attribution, LineProvenance } from '../../../src/core/model';
import { toLines, type LineRuns } from '../../../src/core/lineRuns';

export const CLAUDE: Attribution = { agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'agent-hook', session: 's1', at: '2026-01-01T00:00:00.000Z' };
export const COPILOT: Attribution = { agent: 'copilot', source: 'inline-completion', at: '2026-01-01T00:00:00.000Z' };

export const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Ann Author',
  GIT_AUTHOR_EMAIL: 'ann@example.com',
  GIT_COMMITTER_NAME: 'Ann Author',
  GIT_COMMITTER_EMAIL: 'ann@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  LC_ALL: 'C',
};

const made: string[] = [];

export function tempDir(prefix = 'aip-'): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(d);
  return d;
}

export function cleanupTemp(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function initRepo(dir = tempDir()): string {
  sh(dir, 'git', 'init', '-q', '-b', 'main');
  sh(dir, 'git', 'config', 'commit.gpgsign', 'false');
  return dir;
}

/** Runs a program synchronously in `cwd` with the pinned test environment; returns stdout. */
export function sh(cwd: string, cmd: string, ...args: string[]): string {
  return execFileSync(cmd, args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function write(dir: string, rel: string, text: string | Buffer): void {
  const f = path.join(dir, rel);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, text);
}

/** Provenance with `ai` for the 1-based inclusive line ranges given, human elsewhere. */
export function aiLines(count: number, ranges: readonly [number, number][], a: Attribution = CLAUDE): LineProvenance[] {
  const out: LineProvenance[] = Array.from({ length: count }, () => ({ kind: 'human' as const }));
  for (const [s, e] of ranges) for (let i = s; i <= e; i++) out[i - 1] = { kind: 'ai', attribution: a };
  return out;
}

export function lines(n: number, prefix = 'line'): string {
  return Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`).join('\n') + '\n';
}

/** What the working state reads back, line by line, as assertions look at it. */
export function perLine(r: LineRuns | undefined): LineProvenance[] | undefined {
  return r && toLines(r);
}

/** 1-based line numbers whose provenance is not human. */
export function aiLineNumbers(p: readonly LineProvenance[] | LineRuns | undefined): number[] {
  return (p === undefined ? [] : Array.isArray(p) ? p : toLines(p as LineRuns)).flatMap((l, i) => (l.kind === 'human' ? [] : [i + 1]));
}
