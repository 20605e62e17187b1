// Loads `.ai-provenance.json` for git-side commands; a broken file is reported in one line and never stops a commit.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type * as Config from '../core/config';
import type { CompiledConfig, TeamConfig } from '../core/config';
import type { Repo } from './repo';
import type * as Run from './run';

import { CONFIG_FILE } from '../core/names';

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
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return NO_CONFIG;
    const committed = await committedConfig(repo);
    await reportOnce(repo, report, `${file}: cannot read (${code ?? 'error'}); ${fallbackNote(committed)}`);
    return committed ?? NO_CONFIG;
  }
  const { parseConfig, formatProblem, compileConfig } = configModule();
  const { config, problems } = parseConfig(text);
  if (!config) {
    const committed = await committedConfig(repo);
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    await reportOnce(repo, report, `${first ? formatProblem(CONFIG_FILE, first) : `${CONFIG_FILE}: invalid`}${more}; ${fallbackNote(committed)}`);
    return committed ?? NO_CONFIG;
  }
  return compileConfig(config);
}

function fallbackNote(committed: CompiledConfig | undefined): string {
  return committed
    ? `the config committed in HEAD applies until it is fixed`
    : 'critical-path rules are not applied until it is fixed';
}

/** HEAD's `.ai-provenance.json`, compiled; undefined when there is no HEAD, no such file, or it is broken too. */
async function committedConfig(repo: Repo): Promise<CompiledConfig | undefined> {
  let r: Run.RunResult;
  try {
    r = await run().git(['cat-file', 'blob', `HEAD:${CONFIG_FILE}`], { cwd: repo.root, okCodes: [128] });
  } catch {
    return undefined;
  }
  if (r.exitCode !== 0) return undefined;
  const { parseConfig, compileConfig } = configModule();
  const { config } = parseConfig(r.stdout);
  return config ? compileConfig(config) : undefined;
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
    await fsp.writeFile(reportedFile(repo), line).catch(() => undefined);
  }
  report(line);
}
