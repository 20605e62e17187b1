// Real git hooks for tests: a private bundle of the CLI and a minimal installer (our hook bodies written into .git/hooks).
import { execFileSync, spawnSync } from 'node:child_process';
import { strict as assert } from 'node:assert';
import { parseTraceRecord } from '../../../src/core/agentTrace';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { hookScript } from '../../../src/git/hookScripts';
import { copyBuiltCli } from '../cliBuild';
import { GIT_ENV } from './helpers';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

let bundle: { cli: string; node: string; log: string } | undefined;

/** Copies the run's CLI build once per test process, plus a `node` wrapper that logs each start so tests can count Node processes. */
export function cliBundle(): { cli: string; node: string; log: string } {
  if (bundle) return bundle;
  // Outlives each suite's temp-dir cleanup; removed when the test process ends.
  const dir = mkdtempSync(path.join(tmpdir(), 'aip-cli-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  // The CLI exactly as it ships (launcher and command bundles), copied into the private folder.
  const cli = copyBuiltCli(dir);
  const log = path.join(dir, 'node-starts.log');
  const node = path.join(dir, 'node');
  writeFileSync(node, `#!/bin/sh\necho "$*" >> '${log}'\nexec '${process.execPath}' "$@"\n`);
  chmodSync(node, 0o755);
  writeFileSync(log, '');
  bundle = { cli, node, log };
  return bundle;
}

export const HOOKS = ['prepare-commit-msg', 'commit-msg', 'post-commit', 'post-rewrite'] as const;

/** Writes our four hook bodies into `<hooks dir>` of the repository at `dir`. */
export function installHooks(hooksDir: string): void {
  const { cli } = cliBundle();
  mkdirSync(hooksDir, { recursive: true });
  for (const h of HOOKS) {
    const f = path.join(hooksDir, h);
    writeFileSync(f, hookScript(h, cli));
    chmodSync(f, 0o755);
  }
}

/**
 * Installs hook scripts an earlier version's `install` wrote (test/fixtures/hooks/<version>: wrappers and bodies),
 * pointed at this build.
 */
export function installEarlierHooks(dir: string, version: string): void {
  const fixture = path.resolve(__dirname, '../../fixtures/hooks', version);
  const { cli, node } = cliBundle();
  const bodies = path.join(dir, '.git', 'ai-provenance', 'hooks');
  mkdirSync(bodies, { recursive: true });
  for (const h of readdirSync(path.join(fixture, 'body'))) {
    const fill = (t: string): string => t.replaceAll('@CLI@', cli).replaceAll('@NODE@', node).replaceAll('@BODY_DIR@', bodies);
    writeFileSync(path.join(bodies, h), fill(readFileSync(path.join(fixture, 'body', h), 'utf8')), { mode: 0o755 });
    writeFileSync(path.join(dir, '.git', 'hooks', h), fill(readFileSync(path.join(fixture, 'wrapper', h), 'utf8')), { mode: 0o755 });
  }
}

/** Node starts logged by the wrapper since the log was last cleared, and clears it. */
export function takeNodeStarts(): string[] {
  const { log } = cliBundle();
  const lines = readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
  writeFileSync(log, '');
  return lines;
}

/** The test environment with git's hooks pointed at the private bundle and the logging `node`. */
export function hookedEnv(): NodeJS.ProcessEnv {
  const { node, cli } = cliBundle();
  // Compiled-code caches of the throwaway bundle stay in its throwaway folder.
  return { ...GIT_ENV, AI_PROVENANCE_NODE: node, AI_PROVENANCE_CLI: cli, AI_PROVENANCE_CACHE_DIR: path.join(path.dirname(cli), 'cache') };
}

/** Runs git in `dir` with our hooks live; returns stdout. */
export function hookedGit(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: hookedEnv(), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** `path: first-last kind agent` (1-based lines) per run of a commit's note; empty when it has none. */
export function noteRuns(dir: string, rev = 'HEAD'): string[] {
  const r = spawnSync('git', ['notes', '--ref=refs/notes/ai-provenance', 'show', rev], { cwd: dir, env: hookedEnv(), encoding: 'utf8' });
  if (r.status !== 0) return [];
  const parsed = parseTraceRecord(r.stdout);
  assert.ok(parsed.ok, `note of ${rev}: ${parsed.ok ? '' : parsed.error}`);
  return parsed.files.flatMap((f) => f.runs.map((x) => `${f.path}: ${x.start + 1}-${x.end} ${x.kind} ${f.attributions[x.id]!.agent}`));
}
