// Loads `.ai-provenance.json` for git-side commands; a broken file is reported in one line and never stops a commit.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type * as Config from '../core/config';
import type { CompiledConfig, TeamConfig } from '../core/config';
import type { Repo } from './repo';
import type * as Run from './run';

import { CONFIG_FILE } from '../core/names';
import { terminalText } from '../core/terminalText';
import { writePrivateFile } from './gitDirFiles';

export { CONFIG_FILE };

// The config module pulls in the parser and the generated schema validator; a repository without the file never needs them.
function configModule(): typeof Config {
  return require('../core/config') as typeof Config;
}

// git is needed only when the working-tree file is broken; the hook's usual path never loads child_process here.
function run(): typeof Run {
  return require('./run') as typeof Run;
}

/** The defaults, compiled without loading the config module: no critical paths, nothing ignored. */
export const NO_CONFIG: CompiledConfig = Object.freeze({
  config: Object.freeze<TeamConfig>({
    critical: Object.freeze([]),
    trailers: Object.freeze({ assistedBy: true, lineCounts: true, coAuthoredBy: false }),
    ignore: Object.freeze([]),
  }),
  ruleFor: () => undefined,
  isIgnored: () => false,
  isCritical: () => false,
});

/**
 * The compiled team config at the repository root; defaults when absent. When the working-tree file is broken or
 * unreadable, the first problem is reported in one line and the config committed in HEAD stays in force (the
 * defaults only when HEAD has no usable one), so an unfinished edit never switches off `block` rules.
 */
export async function loadTeamConfig(repo: Repo, report: (line: string) => void): Promise<CompiledConfig> {
  const file = path.join(repo.root, CONFIG_FILE);
  const read = await readConfigFile(file);
  if (read.kind === 'absent') return NO_CONFIG;
  const { compiled, problems } = read.kind === 'text' ? compileConfigText(read.text) : { compiled: undefined, problems: [] };
  if (compiled) return compiled;
  const committed = await committedConfig(repo);
  let what: string;
  if (read.kind === 'unreadable') what = `${file}: cannot read (${read.code})`;
  else if (read.kind === 'too-large') what = `${CONFIG_FILE}:1:1: ${configModule().tooLargeMessage(read.size, 'bytes')}`;
  else {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    what = `${first ? configModule().formatProblem(CONFIG_FILE, first) : `${CONFIG_FILE}: invalid`}${more}`;
  }
  await reportOnce(repo, report, terminalText(`${what}; ${fallbackNote(committed)}`));
  return committed ?? NO_CONFIG;
}

export type ConfigRead = { kind: 'absent' } | { kind: 'text'; text: string } | { kind: 'too-large'; size: number } | { kind: 'unreadable'; code: string };

/** The working-tree file, refused by its size before a byte of it is read when it is over the limit. */
export async function readConfigFile(file: string): Promise<ConfigRead> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { kind: 'absent' } : { kind: 'unreadable', code: code ?? 'error' };
  }
  try {
    const { size } = await handle.stat();
    if (size > configModule().CONFIG_LIMITS.size) return { kind: 'too-large', size };
    return { kind: 'text', text: await handle.readFile('utf8') };
  } catch (err) {
    return { kind: 'unreadable', code: (err as NodeJS.ErrnoException).code ?? 'error' };
  } finally {
    await handle.close();
  }
}

/** Parsed and compiled; any failure on the way is a problem of the file (never an exception that drops the rules). */
export function compileConfigText(text: string): { compiled?: CompiledConfig; problems: Config.ConfigProblem[] } {
  const { parseConfig, compileConfig } = configModule();
  const { config, problems } = parseConfig(text);
  if (!config) return { problems };
  try {
    return { compiled: compileConfig(config), problems: [] };
  } catch (err) {
    return { problems: [{ message: `cannot be compiled: ${err instanceof Error ? err.message : String(err)}`, offset: 0, length: 0, line: 1, column: 1 }] };
  }
}

function fallbackNote(committed: CompiledConfig | undefined): string {
  return committed
    ? `the config committed in HEAD applies until it is fixed`
    : 'critical-path rules are not applied until it is fixed';
}

/** HEAD's `.ai-provenance.json`, compiled; undefined when there is no HEAD, no such file, or it is broken or too large too. */
async function committedConfig(repo: Repo): Promise<CompiledConfig | undefined> {
  const spec = `HEAD:${CONFIG_FILE}`;
  try {
    // Its size first: a committed config over the limit is never read.
    const size = await run().git(['cat-file', '-s', spec], { cwd: repo.root, okCodes: [128] });
    if (size.exitCode !== 0 || Number(size.stdout.trim()) > configModule().CONFIG_LIMITS.size) return undefined;
    const r = await run().git(['cat-file', 'blob', spec], { cwd: repo.root, okCodes: [128] });
    return r.exitCode === 0 ? compileConfigText(r.stdout).compiled : undefined;
  } catch {
    return undefined;
  }
}

// Where the last broken-config line was reported, so the later hooks of the same commit do not repeat it.
function reportedFile(repo: Repo): string {
  return path.join(repo.gitDir, 'ai-provenance-config-reported');
}

/**
 * Reports `line`, except in a commit-msg or post-commit hook run when prepare-commit-msg of the same commit has
 * already reported it: that run finished (its `done` marker in the per-commit scratch dir is non-empty; the next
 * prepare-commit-msg empties it before Node starts) and left the same line behind.
 */
async function reportOnce(repo: Repo, report: (line: string) => void, line: string): Promise<void> {
  if (process.env.AI_PROVENANCE_GIT_DIR) {
    const [done, last] = await Promise.all([
      fsp.readFile(path.join(repo.gitDir, 'ai-provenance-commit', 'done'), 'utf8').catch(() => ''),
      fsp.readFile(reportedFile(repo), 'utf8').catch(() => undefined),
    ]);
    if (done !== '' && last === line) return;
    try {
      writePrivateFile(reportedFile(repo), line);
    } catch {
      // Only the next hook's repeat of the line depends on it.
    }
  }
  report(line);
}
