// Shared set-up for the agent hook tests: temporary git repositories, fixture payloads, and the real CLI bundle.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { LineProvenance } from '../../../src/core/model';
import { discoverRepo } from '../../../src/git/repo';
import { WorkingState } from '../../../src/git/workingState';

export const ROOT = path.resolve(__dirname, '../../..');
export const CLI = path.join(ROOT, 'dist/cli.js');
const FIXTURES = path.join(ROOT, 'test/fixtures/agents');

let built = false;
/** Bundles dist/cli.js once per test run, as `npm test` does before the unit tests. */
export function buildCli(): void {
  if (built) return;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'pipe' });
  statSync(CLI);
  built = true;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
}

/** A fresh repository with `files` committed; removed by `cleanup`. */
export function makeRepo(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'aip-hook-'));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'dev@example.com');
  git(dir, 'config', 'user.name', 'Dev');
  git(dir, 'config', 'commit.gpgsign', 'false');
  for (const [p, text] of Object.entries(files)) writeFile(dir, p, text);
  if (Object.keys(files).length > 0) {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'initial');
  }
  return dir;
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function writeFile(repo: string, rel: string, text: string): void {
  const file = path.join(repo, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

export function readFile(repo: string, rel: string): string {
  return readFileSync(path.join(repo, rel), 'utf8');
}

/** A fixture payload with `${REPO}` and `${TRANSCRIPT}` filled in. */
export function fixture(agent: string, name: string, vars: { repo: string; transcript?: string }): string {
  const raw = readFileSync(path.join(FIXTURES, agent, `${name}.json`), 'utf8');
  return raw.split('${REPO}').join(vars.repo).split('${TRANSCRIPT}').join(vars.transcript ?? path.join(vars.repo, 'no-transcript.jsonl'));
}

export interface HookRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Exit 0 and silence on stdout are the contract with every agent, whatever happened. */
export function quiet(r: HookRun): void {
  assert.equal(r.status, 0, `exit status, stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
}

export function runHook(agent: string, input: string | Buffer, cwd: string): HookRun {
  const r = spawnSync(process.execPath, [CLI, 'hook', agent], { cwd, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the hook; with `pauseMs`, the payload is written in two parts that far apart before stdin is closed. */
export function runHookAsync(agent: string, input: string, cwd: string, pauseMs?: number): Promise<HookRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'hook', agent], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    if (pauseMs === undefined) {
      child.stdin.end(input);
      return;
    }
    const half = Math.floor(input.length / 2);
    child.stdin.write(input.slice(0, half));
    setTimeout(() => child.stdin.end(input.slice(half)), pauseMs);
  });
}

/** Recorded provenance of a file, as the rest of the product reads it (undefined: nothing recorded). */
export async function provenance(repo: string, rel: string): Promise<LineProvenance[] | undefined> {
  const r = await discoverRepo(repo);
  return WorkingState.forRepo(r).read(rel, readFile(repo, rel));
}

/** `kind[@agent]` per line, e.g. `human`, `ai@claude-code`, `mixed@cursor`. */
export async function kinds(repo: string, rel: string): Promise<string[]> {
  const lines = (await provenance(repo, rel)) ?? readFile(repo, rel).split('\n').map(() => ({ kind: 'human' as const }));
  return lines.map((l) => (l.kind === 'human' ? 'human' : `${l.kind}@${l.attribution?.agent}`));
}
