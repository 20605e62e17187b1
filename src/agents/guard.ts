// The guard's side of a pre-tool hook (PRODUCT.md §12): the team config of the repository the agent works in (HEAD's
// when the working file is broken), the repository paths an edit touches, and the decision for them or for a command.
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { CompiledConfig } from '../core/config';
import type { GuardDecision } from '../core/guard';
import { toRepoPath, type Repo } from '../git/repo';
import { loadTeamConfig } from '../git/teamConfig';
import { findRepo } from '../git/repo';
import type { HookEvent } from './types';

/** Entries of a folder tree looked at for `@critical` before the answer is "yes, it may hold critical files". */
const WALK_LIMIT = 20_000;

export interface GuardResult {
  readonly decision?: GuardDecision;
  /** Lines for stderr: a broken config, paths outside the repository. */
  readonly notes: string[];
  /** The config's ignore list, for the recorder that runs next (so the file is read once per hook). */
  readonly isIgnored?: (repoPath: string) => boolean;
}

type PreEvent = Extract<HookEvent, { kind: 'before-edit' | 'before-shell' }>;

/** The decision for a pre-tool event, or none (allow). Throws only on an internal error, which the caller logs. */
export async function guardEvent(event: PreEvent, hookCwd: string): Promise<GuardResult> {
  const notes: string[] = [];
  const cwd = event.info.cwd && path.isAbsolute(event.info.cwd) && isDirectory(event.info.cwd) ? event.info.cwd : hookCwd;
  let repo: Repo;
  try {
    repo = await findRepo(cwd);
  } catch {
    return { notes };
  }
  const compiled = await loadTeamConfig(repo, (line) => notes.push(line), { headWhenAbsent: true });
  const { config } = compiled;
  const isIgnored = compiled.isIgnored;
  if (event.kind === 'before-edit') {
    if (!config.critical.some((r) => r.agents !== 'allow')) return { notes, isIgnored };
    const { editDecision } = require('../core/guard') as typeof import('../core/guard');
    const paths: string[] = [];
    for (const raw of event.paths) {
      const rel = repoPath(repo, raw, cwd);
      if (rel !== undefined) paths.push(rel);
    }
    return { decision: editDecision(compiled, paths), notes, isIgnored };
  }
  if (config.commands.length === 0) return { notes, isIgnored };
  const { compileCommandRules } = require('../core/guard') as typeof import('../core/guard');
  const rules = compileCommandRules(config);
  return { decision: rules.decide(event.command, (arg) => namesCriticalPath(repo, compiled, cwd, arg)), notes, isIgnored };
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function repoPath(repo: Repo, raw: string, cwd: string): string | undefined {
  if (raw === '' || raw.includes('\0')) return undefined;
  try {
    return toRepoPath(repo, raw, cwd);
  } catch {
    return undefined;
  }
}

/**
 * Whether a command argument names a critical file, or a folder with one inside (a glob: the folder before its first
 * wildcard). The repository root and folders too large to look through count as holding one.
 */
function namesCriticalPath(repo: Repo, compiled: CompiledConfig, cwd: string, arg: string): boolean {
  const wild = arg.search(/[*?[]/);
  const target = wild < 0 ? arg : arg.slice(0, arg.lastIndexOf('/', wild) + 1) || '.';
  const abs = path.resolve(cwd, target.replace(/^~(?=\/|$)/, process.env.HOME ?? '~'));
  const rel = path.relative(repo.root, abs);
  const outside = (r: string): boolean => r === '..' || r.startsWith(`..${path.sep}`) || path.isAbsolute(r);
  // The repository's root, or a folder above it, holds every critical file there is.
  if (rel === '' || outside(rel)) return compiled.config.critical.length > 0 && !outside(path.relative(abs, repo.root));
  const relPath = rel.split(path.sep).join('/');
  if (compiled.isCritical(relPath)) return true;
  if (!isDirectory(abs)) return false;
  let seen = 0;
  const stack = [relPath];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(path.join(repo.root, ...dir.split('/')), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (++seen > WALK_LIMIT) return true;
      const child = `${dir}/${e.name}`;
      if (e.name === '.git') continue;
      if (e.isDirectory()) stack.push(child);
      else if (compiled.isCritical(child)) return true;
    }
  }
  return false;
}
