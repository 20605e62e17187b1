// Loads `.ai-provenance.json` for git-side commands; a broken file is reported in one line and never stops a commit.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type * as Config from '../core/config';
import type { CompiledConfig, TeamConfig } from '../core/config';
import type { Repo } from './repo';

export const CONFIG_FILE = '.ai-provenance.json';

// The config module pulls in the parser and the generated schema validator; a repository without the file never needs them.
function configModule(): typeof Config {
  return require('../core/config') as typeof Config;
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

/** The compiled team config at the repository root; defaults when absent, and when broken (after reporting the first problem). */
export async function loadTeamConfig(repo: Repo, report: (line: string) => void): Promise<CompiledConfig> {
  const file = path.join(repo.root, CONFIG_FILE);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') report(`${file}: cannot read (${(err as NodeJS.ErrnoException).code}); using the default config`);
    return NO_CONFIG;
  }
  const { parseConfig, formatProblem, compileConfig } = configModule();
  const { config, problems } = parseConfig(text);
  if (!config) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    report(`${first ? formatProblem(CONFIG_FILE, first) : `${CONFIG_FILE}: invalid`}${more}; critical-path rules are not applied until it is fixed`);
    return NO_CONFIG;
  }
  return compileConfig(config);
}
