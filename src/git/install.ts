// Installs and removes ai-provenance's git hooks next to whatever hooks the repository already has.
import { promises as fs, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { asyncFs, atomicWrite, readOptional as readOptionalFile } from './fsAtomic';
import { DELETED_NOTES_FILE, MANAGED_MARKER, PUSH_PENDING_FILE, shQuote } from './hookScripts';
import { NOTES_REF, SYNCING_ENV } from './notes';
import { GitError } from './run';
import { revParse } from './repo';

export const HOOK_NAMES = ['prepare-commit-msg', 'commit-msg', 'post-commit', 'post-rewrite', 'pre-push', 'reference-transaction'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

export { MANAGED_MARKER };
/** Suffix under which a user's existing hook is kept (same folder, so its `$(dirname "$0")` still works). */
export const CHAINED_SUFFIX = '.ai-provenance-chained';
export const BLOCK_START = '# >>> ai-provenance (added by `ai-provenance install`; `ai-provenance uninstall` removes it) >>>';
export const BLOCK_END = '# <<< ai-provenance <<<';

/** Exit status of our commit-msg body that means "policy violation": the only status that may stop a commit. */
export const POLICY_BLOCK_STATUS = 1;

export class InstallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InstallError';
  }
}

export interface InstallOptions {
  readonly cwd: string;
  /** Absolute path of the CLI bundle (`dist/cli.js`) at install time. */
  readonly cliPath: string;
  /** Absolute path of the node binary at install time; hooks fall back to `node` on PATH when it is gone. */
  readonly nodePath: string;
  /** `nodePath` is an Electron binary (VS Code) that acts as node only with ELECTRON_RUN_AS_NODE=1. */
  readonly nodeIsElectron?: boolean;
  /** The POSIX sh body of our own hook. */
  readonly hookBody: (name: HookName, cliPath: string) => string;
}

export type HookMode = 'plain' | 'husky';

export interface InstalledHook {
  readonly name: HookName;
  /** The file git (or husky) runs. */
  readonly file: string;
  /** The user's hook that ours chains to, when there was one. */
  readonly chained?: string;
  readonly changed: boolean;
}

export interface InstallReport {
  /** Top level of the working tree install ran in. */
  readonly topLevel: string;
  readonly mode: HookMode;
  readonly hooksDir: string;
  readonly hooks: readonly InstalledHook[];
  /** Paths of an earlier install somewhere else (e.g. before core.hooksPath changed) that were removed first. */
  readonly movedFrom?: string;
}

export interface UninstallReport {
  readonly topLevel: string;
  readonly removed: readonly string[];
  readonly restored: readonly string[];
}

export interface RepoLocation {
  readonly topLevel: string;
  readonly commonDir: string;
  readonly hooksDir: string;
}

interface ManifestHook {
  readonly file: string;
  /** husky mode: we created `.husky/<name>` ourselves, so uninstall may delete it. */
  readonly createdFile: boolean;
}

interface Manifest {
  readonly version: 1;
  readonly mode: HookMode;
  readonly topLevel: string;
  readonly commonDir: string;
  readonly hooksDir: string;
  readonly createdDirs: readonly string[];
  readonly hooks: Partial<Record<HookName, ManifestHook>>;
}

/** Where git runs hooks for the repository containing `cwd` (honours core.hooksPath, worktrees, submodules). */
export async function locateRepo(cwd: string): Promise<RepoLocation> {
  let answers: string[];
  try {
    answers = await revParse(cwd, [['--show-toplevel'], ['--git-common-dir'], ['--git-path', 'hooks']]);
  } catch (err) {
    if (err instanceof GitError) throw new InstallError(`${cwd}: not a git repository with a working tree`);
    throw err;
  }
  const [top, common, hooks] = answers;
  if (!top || !common || !hooks) throw new InstallError(`${cwd}: not a git repository with a working tree`);
  return { topLevel: path.resolve(cwd, top), commonDir: path.resolve(cwd, common), hooksDir: path.resolve(cwd, hooks) };
}

function stateDir(commonDir: string): string {
  return path.join(commonDir, 'ai-provenance', 'hooks');
}

function manifestPath(commonDir: string): string {
  return path.join(stateDir(commonDir), 'install.json');
}

/** husky 9 points core.hooksPath at `.husky/_`, regenerates it on every `npm install` and runs `.husky/<name>` from it. */
async function isHuskyDir(hooksDir: string): Promise<boolean> {
  return path.basename(hooksDir) === '_' && (await exists(path.join(hooksDir, 'h')));
}

export async function installHooks(opts: InstallOptions): Promise<InstallReport> {
  const loc = await locateRepo(opts.cwd);
  const mode: HookMode = (await isHuskyDir(loc.hooksDir)) ? 'husky' : 'plain';
  const targetDir = mode === 'husky' ? path.dirname(loc.hooksDir) : loc.hooksDir;

  let previous = await readManifest(loc);
  let movedFrom: string | undefined;
  if (previous && (previous.hooksDir !== loc.hooksDir || previous.mode !== mode)) {
    // The hooks folder changed since the last install (core.hooksPath set, husky added): take the old install out first.
    movedFrom = previous.hooksDir;
    await removeInstall(previous, loc);
    previous = undefined;
  }

  const createdDirs = [...(previous?.createdDirs ?? [])];
  const ourDir = stateDir(loc.commonDir);
  for (const dir of [path.dirname(ourDir), ourDir, targetDir]) {
    if (await exists(dir)) continue;
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (err) {
      throw new InstallError(`${dir}: cannot create the hooks directory (${errCode(err)})`);
    }
    createdDirs.push(dir);
  }
  await assertWritable(targetDir);

  const hooks: InstalledHook[] = [];
  const manifestHooks: Partial<Record<HookName, ManifestHook>> = {};
  for (const name of HOOK_NAMES) {
    const ours = path.join(ourDir, name);
    await writeIfChanged(ours, opts.hookBody(name, opts.cliPath), 0o755);
    if (mode === 'plain' || name === 'reference-transaction') {
      // husky runs only the hooks it lists in .husky/_, reference-transaction not among them, so a
      // .husky/reference-transaction would do nothing; but git runs whatever is in .husky/_, and husky (re)writes
      // only its own files there. Ours goes there as in a plain hooks folder; a regenerated folder may lack it, and
      // pre-push then publishes as without it.

      hooks.push(await installPlain(name, loc.hooksDir, ours, opts));
      manifestHooks[name] = { file: path.join(loc.hooksDir, name), createdFile: false };
    } else {
      const wrapper = path.join(ourDir, `${name}.husky`);
      await writeIfChanged(wrapper, wrapperScript(name, { kind: 'husky', afterPushHook: hookPathForScripts(loc, 'reference-transaction') }, ours, opts), 0o755);
      const r = await installHuskyBlock(name, targetDir);
      hooks.push(r.hook);
      manifestHooks[name] = { file: r.hook.file, createdFile: previous?.hooks[name]?.createdFile ?? r.created };
    }
  }

  const manifest: Manifest = {
    version: 1,
    mode,
    topLevel: loc.topLevel,
    commonDir: loc.commonDir,
    hooksDir: loc.hooksDir,
    createdDirs,
    hooks: manifestHooks,
  };
  await writeIfChanged(manifestPath(loc.commonDir), `${JSON.stringify(manifest, null, 2)}\n`, 0o644);
  return { topLevel: loc.topLevel, mode, hooksDir: targetDir, hooks, ...(movedFrom ? { movedFrom } : {}) };
}

/**
 * Where git looks for hooks now, when the last install put ours somewhere else (e.g. core.hooksPath set by husky
 * afterwards), so that none of ours run; undefined when they match, nothing was installed, or either is unknown.
 */
export async function misplacedHooksDir(cwd: string): Promise<string | undefined> {
  let loc: RepoLocation;
  let manifest: Manifest | undefined;
  try {
    loc = await locateRepo(cwd);
    manifest = await readManifest(loc);
  } catch (err) {
    if (err instanceof InstallError) return undefined;
    throw err;
  }
  if (!manifest) return undefined;
  const [installed, current] = await Promise.all([canonicalPath(manifest.hooksDir), canonicalPath(loc.hooksDir)]);
  return installed === current ? undefined : loc.hooksDir;
}

/** The one warning line for `misplacedHooksDir`'s answer. */
export function misplacedHooksWarning(hooksDir: string): string {
  return `ai-provenance: git hooks are not installed where git looks for them (${hooksDir}); run 'ai-provenance install'`;
}

// The same folder reached through a symlink (e.g. /tmp on macOS) is still the same folder.
async function canonicalPath(p: string): Promise<string> {
  try {
    return await fs.realpath(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * How a hook's shell names hook `name` of the folder git runs hooks from: relative to the top of the worktree, where
 * hooks run, so that it holds when the checkout moves and, in a linked worktree, names that worktree's `.husky/_`
 * (git resolves a relative core.hooksPath the same way).
 */
function hookPathForScripts(loc: RepoLocation, name: HookName): string {
  const rel = path.relative(loc.topLevel, path.join(loc.hooksDir, name));
  return rel.startsWith('..') || path.isAbsolute(rel) ? path.join(loc.hooksDir, name) : rel;
}

async function installPlain(name: HookName, hooksDir: string, ours: string, opts: InstallOptions): Promise<InstalledHook> {
  const file = path.join(hooksDir, name);
  const kept = file + CHAINED_SUFFIX;
  const current = await readOptional(file);
  if (current !== undefined && !current.includes(MANAGED_MARKER)) {
    if (await exists(kept)) {
      throw new InstallError(`${kept}: already exists, so the hook ${file} cannot be chained; move one of them away and run install again`);
    }
    // rename keeps the user's hook byte for byte, with its mode, for uninstall to put back.
    await fs.rename(file, kept);
  }
  const chained = await exists(kept);
  const changed = await writeIfChanged(file, wrapperScript(name, { kind: 'file', name }, ours, opts), 0o755);
  return { name, file, ...(chained ? { chained: kept } : {}), changed };
}

async function installHuskyBlock(name: HookName, huskyDir: string): Promise<{ hook: InstalledHook; created: boolean }> {
  const file = path.join(huskyDir, name);
  const current = await readOptional(file);
  const block = huskyBlock(name);
  if (current === undefined) {
    await writeIfChanged(file, block, 0o755);
    return { hook: { name, file, changed: true }, created: true };
  }
  const without = removeBlock(current);
  const next = insertBlock(without, block);
  const mode = (await fs.stat(file)).mode & 0o7777;
  const changed = await writeIfChanged(file, next, mode);
  return { hook: { name, file, ...(without.trim() ? { chained: file } : {}), changed }, created: false };
}

export async function uninstallHooks(cwd: string): Promise<UninstallReport> {
  const loc = await locateRepo(cwd);
  const manifest = await readManifest(loc);
  const removed: string[] = [];
  const restored: string[] = [];
  if (manifest) {
    await removeInstall(manifest, loc, removed, restored);
  } else {
    // No record (e.g. it was deleted): still take out whatever carries our marker in the current hooks folder.
    const mode: HookMode = (await isHuskyDir(loc.hooksDir)) ? 'husky' : 'plain';
    const hooks: Partial<Record<HookName, ManifestHook>> = {};
    for (const name of HOOK_NAMES) {
      hooks[name] = { file: path.join(mode === 'husky' && name !== 'reference-transaction' ? path.dirname(loc.hooksDir) : loc.hooksDir, name), createdFile: false };
    }
    await removeInstall(
      { version: 1, mode, topLevel: loc.topLevel, commonDir: loc.commonDir, hooksDir: loc.hooksDir, createdDirs: [], hooks },
      loc,
      removed,
      restored,
    );
  }
  await removeScratch(loc.commonDir);
  return { topLevel: loc.topLevel, removed, restored };
}

/**
 * What the hooks of one commit leave in each worktree's git dir for the next hook of the same commit (hookFlows.ts
 * scratchDir, the tree prepare-commit-msg's shell writes beside it, teamConfig.ts's last reported config problem):
 * nothing worth keeping once the hooks are gone. The working state (recorded AI lines) stays.
 */
const SCRATCH = ['ai-provenance-commit', 'ai-provenance-commit.tree', 'ai-provenance-config-reported', PUSH_PENDING_FILE];

async function removeScratch(commonDir: string): Promise<void> {
  const worktrees = await fs.readdir(path.join(commonDir, 'worktrees')).catch(() => [] as string[]);
  for (const dir of [commonDir, ...worktrees.map((w) => path.join(commonDir, 'worktrees', w))]) {
    for (const name of SCRATCH) await fs.rm(path.join(dir, name), { recursive: true, force: true });
    // One pending file per git push, named by its pid.
    const pushes = (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => n.startsWith(`${PUSH_PENDING_FILE}.`));
    for (const name of pushes) await fs.rm(path.join(dir, name), { force: true });
  }
}

async function removeInstall(m: Manifest, loc: RepoLocation, removed: string[] = [], restored: string[] = []): Promise<void> {
  const ourDir = stateDir(loc.commonDir);
  for (const name of HOOK_NAMES) {
    const entry = m.hooks[name];
    if (!entry) continue;
    const file = entry.file;
    // husky mode too has its reference-transaction as a plain wrapper, in .husky/_.
    if (m.mode === 'plain' || name === 'reference-transaction') {
      const current = await readOptional(file);
      if (current !== undefined && current.includes(MANAGED_MARKER)) {
        await fs.unlink(file);
        removed.push(file);
      }
      const kept = file + CHAINED_SUFFIX;
      if ((await exists(kept)) && !(await exists(file))) {
        await fs.rename(kept, file);
        restored.push(file);
      }
    } else {
      const current = await readOptional(file);
      if (current !== undefined && current.includes(BLOCK_START)) {
        const without = removeBlock(current);
        if (without === '' && entry.createdFile) {
          await fs.unlink(file);
          removed.push(file);
        } else {
          const mode = (await fs.stat(file)).mode & 0o7777;
          await writeIfChanged(file, without, mode);
          restored.push(file);
        }
      }
    }
  }
  for (const name of HOOK_NAMES) {
    for (const f of [path.join(ourDir, name), path.join(ourDir, `${name}.husky`)]) {
      if (await exists(f)) await fs.unlink(f);
    }
  }
  await fs.rm(manifestPath(loc.commonDir), { force: true });
  for (const dir of [ourDir, ...[...m.createdDirs].reverse()]) await removeIfEmpty(dir);
}

/** The lines inserted into `.husky/<name>`: they hand over to our wrapper, which runs the rest of this file, then ours. */
export function huskyBlock(name: HookName): string {
  return [
    BLOCK_START,
    'if [ -z "${AI_PROVENANCE_CHAIN-}" ]; then',
    // Hooks run at the top of the worktree: a plain clone needs no git process to find our hook.
    `  ap_hook=.git/ai-provenance/hooks/${name}.husky`,
    `  [ -x "$ap_hook" ] || ap_hook="$(git rev-parse --git-common-dir 2>/dev/null || :)/ai-provenance/hooks/${name}.husky"`,
    '  if [ -x "$ap_hook" ]; then AI_PROVENANCE_CHAIN="$0" exec "$ap_hook" "$@"; fi',
    'fi',
    BLOCK_END,
    '',
  ].join('\n');
}

/** Puts the block right after a `#!` line, else first; whole lines only, so removing it restores the bytes. */
export function insertBlock(text: string, block: string): string {
  if (text.startsWith('#!')) {
    const nl = text.indexOf('\n');
    if (nl >= 0) return text.slice(0, nl + 1) + block + text.slice(nl + 1);
  }
  return block + text;
}

export function removeBlock(text: string): string {
  const start = text.indexOf(BLOCK_START);
  if (start < 0) return text;
  const endMarker = text.indexOf(BLOCK_END, start);
  if (endMarker < 0) return text;
  let end = endMarker + BLOCK_END.length;
  if (text[end] === '\n') end++;
  return removeBlock(text.slice(0, start) + text.slice(end));
}

/** husky's chain names where git runs our reference-transaction hook, which is not beside its wrapper. */
type Chain = { readonly kind: 'file'; readonly name: HookName } | { readonly kind: 'husky'; readonly afterPushHook: string };

/** Lines of a hook's stdin the wrappers read with shell builtins; the rest goes through one cat. */
const BUILTIN_LINES = 64;

/**
 * The hook git runs: the user's previous hook first (its failure stops a commit-msg/prepare-commit-msg as before),
 * then ours, whose only way to stop a commit is a policy violation in commit-msg.
 */
export function wrapperScript(
  name: HookName,
  chain: Chain,
  ours: string,
  runtime: Pick<InstallOptions, 'nodePath' | 'cliPath' | 'nodeIsElectron'>,
): string {
  const lines = [
    '#!/bin/sh',
    MANAGED_MARKER,
    `# Runs the hook that was here before (if any), then ai-provenance's ${name} hook.`,
    '# `ai-provenance uninstall` removes this file and puts the previous hook back.',
    `ap_name=${name}`,
    // ${0%/*} rather than dirname: no extra process on every commit.
    ...(chain.kind === 'file' ? [`ap_prev="\${0%/*}/${chain.name}${CHAINED_SUFFIX}"`] : []),
    ...(name === 'reference-transaction' ? afterPushFilter(chain) : []),
    // pre-push leaves the notes to this hook only where git runs it: beside this file, or in husky's .husky/_.
    ...(name === 'pre-push' ? ['# shellcheck disable=SC2034 # read by our pre-push, which runs in this shell', ...afterPushHookLines(chain)] : []),
    `ap_ours=${shQuote(ours)}`,
    // The absolute path breaks if the checkout moves; the git dir found at run time still has our hooks.
    '[ -f "$ap_ours" ] || ap_ours="$(git rev-parse --git-common-dir 2>/dev/null || :)/ai-provenance/hooks/$ap_name"',
    // These hooks get a list on stdin, and both hooks need all of it. (reference-transaction: unless its first lines
    // read it already.) Builtins read the usual few lines, sparing a cat; cat takes a long list (a big rebase, a
    // mirror push), which a shell loop would copy line by line.
    'ap_input=',
    'case "$ap_name" in post-rewrite|pre-push|reference-transaction)',
    '  if [ -n "${ap_pull_input+x}" ]; then ap_input=$ap_pull_input',
    '  else',
    '    ap_k=0 ap_nl=\'\n\'',
    `    while [ "$ap_k" -lt ${BUILTIN_LINES} ] && { IFS= read -r ap_l || [ -n "$ap_l" ]; }; do ap_input=\${ap_input:+$ap_input$ap_nl}$ap_l; ap_k=$((ap_k + 1)); done`,
    `    if [ "$ap_k" -ge ${BUILTIN_LINES} ]; then ap_l=$(cat); [ -z "$ap_l" ] || ap_input=$ap_input$ap_nl$ap_l; fi`,
    '  fi',
    // Our hook takes it from here (one of an earlier version reads the pipe below).
    '  # shellcheck disable=SC2034 # read by our hook, which runs in this shell',
    '  ap_stdin=$ap_input ;;',
    'esac',
    'ap_feed() { if [ -n "$ap_input" ]; then printf \'%s\\n\' "$ap_input"; fi; }',
    'ap_status=0',
  ];
  if (chain.kind === 'file') {
    lines.push(
      'if [ -x "$ap_prev" ]; then',
      '  case "$ap_name" in post-rewrite|pre-push|reference-transaction) ap_feed | "$ap_prev" "$@" ;; *) "$ap_prev" "$@" ;; esac',
      '  ap_status=$?',
      'fi',
    );
  } else {
    // Re-run the husky script the way husky does; AI_PROVENANCE_CHAIN stays set so its block does not hand over again.
    lines.push(
      'if [ -n "${AI_PROVENANCE_CHAIN-}" ] && [ -f "$AI_PROVENANCE_CHAIN" ]; then',
      '  export AI_PROVENANCE_CHAIN',
      '  case "$ap_name" in post-rewrite|pre-push|reference-transaction) ap_feed | sh -e "$AI_PROVENANCE_CHAIN" "$@" ;; *) sh -e "$AI_PROVENANCE_CHAIN" "$@" ;; esac',
      '  ap_status=$?',
      'fi',
    );
  }
  lines.push(
    // The user's own pre-push still stops a push, as their prepare-commit-msg and commit-msg still stop a commit. (Their
    // reference-transaction refuses a prepared transaction through the exec above, or here for one that deletes our
    // notes ref; git ignores a committed one's status.)
    ...(name === 'reference-transaction'
      ? ['[ "${1-}" != prepared ] || [ "$ap_status" -eq 0 ] || exit "$ap_status"']
      : ['case "$ap_name" in prepare-commit-msg|commit-msg|pre-push) [ "$ap_status" -eq 0 ] || exit "$ap_status" ;; esac']),
    '[ -f "$ap_ours" ] || exit "$ap_status"',
    // The node and CLI recorded at install time, falling back to what can be found now when they have moved.
    `AI_PROVENANCE_CLI=${shQuote(runtime.cliPath)}`,
    'if [ ! -f "$AI_PROVENANCE_CLI" ]; then',
    '  if [ -f node_modules/.bin/ai-provenance ]; then AI_PROVENANCE_CLI="$PWD/node_modules/.bin/ai-provenance"',
    '  elif ap_cli=$(command -v ai-provenance 2>/dev/null); then AI_PROVENANCE_CLI=$ap_cli; fi',
    'fi',
    `AI_PROVENANCE_NODE=${shQuote(runtime.nodePath)}`,
    ...(runtime.nodeIsElectron
      ? [
          // VS Code's own binary is node only with ELECTRON_RUN_AS_NODE; a real node on PATH starts faster.
          'if command -v node >/dev/null 2>&1; then AI_PROVENANCE_NODE=node',
          'elif [ -x "$AI_PROVENANCE_NODE" ]; then ELECTRON_RUN_AS_NODE=1; export ELECTRON_RUN_AS_NODE',
          'else AI_PROVENANCE_NODE=node; fi',
        ]
      : ['[ -x "$AI_PROVENANCE_NODE" ] || AI_PROVENANCE_NODE=node']),
    'export AI_PROVENANCE_NODE AI_PROVENANCE_CLI',
    // Our hook runs in this shell (a fork less on every commit) and its exit ends the hook. Whatever way it ends,
    // this trap lets the commit through unless commit-msg found a policy violation (exit 1).
    'trap \'ap_st=$?; trap - EXIT; case $ap_name:$ap_st in *:0 | commit-msg:1) exit "$ap_st" ;; esac; echo "ai-provenance: internal error in the $ap_name hook (exit $ap_st); ignored, your commit or push is not affected" >&2; exit 0\' EXIT',
    // The input read above goes to ours through a pipe, whose last part is a subshell.
    'case "$ap_name" in post-rewrite|pre-push|reference-transaction) ap_feed | . "$ap_ours"; exit ;; esac',
    '. "$ap_ours"',
    '',
  );
  return lines.join('\n');
}

function afterPushHookLines(chain: Chain): string[] {
  if (chain.kind === 'file') return [`ap_after_push_hook="\${0%/*}/reference-transaction"`];
  // husky runs .husky/<name> with sh from its .husky/_/<name>, which git started: the git push is the parent of this
  // shell's parent, and pre-push names its pending file by it.
  return [`ap_after_push_hook=${shQuote(chain.afterPushHook)} ap_push_hops=2`];
}

/**
 * The first lines of the reference-transaction wrapper. git starts it on every ref update (twice a commit, many times
 * a rebase): all but a committed transaction of a git push that left a pending file named by its pid (pre-push,
 * $PPID being that git push), of a `git pull` that names what to fetch, or one that moved our notes ref from a value
 * it checked (a fetch through a user's `+refs/notes/*:refs/notes/*` does; `git notes` checks none), and any state of
 * one that deletes our notes ref (a pruning fetch through that refspec), end here on shell builtins, handing stdin to
 * the user's hook when there is one. A prepared or aborted transaction is read only where a deletion may be in it: a
 * lock a deletion of our ref takes is held (prepared), or a deletion's saved value waits (aborted); else it costs four
 * `test -f` (src/git/hooks/README.md).
 */
function afterPushFilter(chain: Chain): string[] {
  const handOver = chain.kind === 'file' ? '[ ! -x "$ap_prev" ] || exec "$ap_prev" "$@"; exit 0' : 'exit 0';
  // A here-document, not a pipe: dash and bash feed a short one with no process of their own.
  const readHandOver = chain.kind === 'file' ? ['    [ -x "$ap_prev" ] || exit 0', '    exec "$ap_prev" "$@" <<AP_INPUT', '$ap_pull_input', 'AP_INPUT'] : ['    exit 0'];
  const syncing = `\${${SYNCING_ENV}-}`;
  return [
    // Hooks run at the top of the working tree; a linked worktree's .git is a file naming its git dir.
    'ap_gd=${GIT_DIR:-.git}',
    'if [ -f "$ap_gd" ]; then IFS= read -r ap_gd < "$ap_gd" || ap_gd=; ap_gd=${ap_gd#gitdir: }; fi',
    ...NAMED_PULL_SH,
    ...MAY_DELETE_SH,
    'unset ap_pull_input',
    'ap_read=',
    'case ${1-} in',
    `  committed) [ -f "$ap_gd/${PUSH_PENDING_FILE}.$PPID" ] || ap_read=1 ;;`,
    `  prepared | aborted) [ -n "${syncing}" ] || ! ap_may_delete "\${1-}" || ap_read=1 ;;`,
    'esac',
    `if [ -z "$ap_read" ] && [ "\${1-}" != committed ]; then ${handOver}; fi`,
    'if [ -n "$ap_read" ]; then',
    // Every pick a `git pull --rebase origin main` makes, and every commit, passes here: only a transaction that moved
    // a remote-tracking branch in such a pull, our notes ref from a checked value, or that deletes our notes ref, goes
    // on, read with builtins (no cat per pick); the chained hook still gets it whole. Our hook's own writes (the
    // syncing flag) never go on.
    '  ap_pull_input=\'\' ap_go=\'\' ap_pull=\'\' ap_nl=\'\n\' ap_n=0',
    '  if [ "${1-}" = committed ] && ap_named_pull; then ap_pull=1; fi',
    `  while [ "$ap_n" -lt ${BUILTIN_LINES} ] && IFS= read -r ap_l; do`,
    '    ap_n=$((ap_n + 1))',
    '    ap_pull_input=${ap_pull_input:+$ap_pull_input$ap_nl}$ap_l',
    '    case $ap_l in',
    `      *' refs/remotes/'*) [ -z "$ap_pull" ] || { ap_l=\${ap_l#* }; case \${ap_l%% *} in *[!0]*) ap_go=1 ;; esac; } ;;`,
    // A deletion names no new value (all zeros), in any state; a committed update from a checked value names the old one.
    `      *' ${NOTES_REF}') [ -n "${syncing}" ] || { ap_x=\${ap_l#* }; case \${ap_x%% *} in *[!0]*) [ "\${1-}" != committed ] || case \${ap_l%% *} in *[!0]*) ap_go=1 ;; esac ;; *) ap_go=1 ;; esac; } ;;`,
    '    esac',
    '  done',
    // A long transaction (a fetch of many refs): the rest in one process, not a read per byte and a copy per line;
    // whether it names a remote-tracking branch or our notes ref (before committed: deletes it) is enough to go on (the
    // body checks each line).
    `  if [ "$ap_n" -ge ${BUILTIN_LINES} ]; then`,
    '    ap_rest=$(cat)',
    '    if [ -n "$ap_rest" ]; then',
    '      ap_pull_input=$ap_pull_input$ap_nl$ap_rest',
    `      case $ap_rest in *' refs/remotes/'*) [ -z "$ap_pull" ] || ap_go=1 ;; esac`,
    `      case \${1-}:$ap_rest$ap_nl in committed:*' ${NOTES_REF}'"$ap_nl"* | *'${'0'.repeat(40)} ${NOTES_REF}'"$ap_nl"*) [ -n "${syncing}" ] || ap_go=1 ;; esac`,
    '    fi',
    '  fi',
    '  if [ -z "$ap_go" ]; then',
    ...readHandOver,
    '  fi',
    'fi',
  ];
}

/**
 * Whether a transaction in state $1 (prepared or aborted) may delete our notes ref, from files alone: while prepared,
 * a deletion holds packed-refs.lock (git also deletes a packed copy), the ref's own lock, or the reftable stack's; an
 * aborted one matters only where a prepared deletion saved the ref's value. Files of the common dir, which a linked
 * worktree's git dir names.
 */
const MAY_DELETE_SH: readonly string[] = [
  'ap_may_delete() {',
  '  ap_cd=$ap_gd',
  '  if [ -f "$ap_gd/commondir" ]; then',
  '    IFS= read -r ap_cd < "$ap_gd/commondir" || ap_cd=',
  '    case $ap_cd in /*) ;; *) ap_cd=$ap_gd/$ap_cd ;; esac',
  '  fi',
  `  if [ "$1" = aborted ]; then [ -f "$ap_cd/ai-provenance/${DELETED_NOTES_FILE}" ]; return; fi`,
  `  [ -f "$ap_cd/packed-refs.lock" ] || [ -f "$ap_cd/${NOTES_REF}.lock" ] || [ -f "$ap_cd/reftable/tables.list.lock" ]`,
  '}',
];

/**
 * Whether git runs this hook within a `git pull` that names what to fetch (`git pull origin main`): git pull puts its
 * arguments in GIT_REFLOG_ACTION, and with a remote and a refspec named git fetches only those, not the notes the
 * configured refspecs bring. Two words after `pull` that are no options; the value of an option (`-X theirs`) may
 * count too, which costs a fetch of the notes, never one missed. Builtins only: a commit's transactions pass through.
 */
const NAMED_PULL_SH: readonly string[] = [
  'ap_named_pull() {',
  "  case ${GIT_REFLOG_ACTION-} in 'pull '*) ;; *) return 1 ;; esac",
  '  ap_w=0',
  '  set -f',
  '  for ap_a in $GIT_REFLOG_ACTION; do case $ap_a in pull | -*) ;; *) ap_w=$((ap_w + 1)) ;; esac; done',
  '  set +f',
  '  [ "$ap_w" -ge 2 ]',
  '}',
];

async function readManifest(loc: RepoLocation): Promise<Manifest | undefined> {
  const text = await readOptional(manifestPath(loc.commonDir));
  if (text === undefined) return undefined;
  try {
    const m = JSON.parse(text) as Manifest;
    if (m.version !== 1 || (m.mode !== 'plain' && m.mode !== 'husky') || typeof m.hooksDir !== 'string') throw new Error('unknown shape');
    return relocateManifest(m, loc);
  } catch (err) {
    throw new InstallError(`${manifestPath(loc.commonDir)}:1:1: unreadable install record (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** A checkout that moved keeps its manifest with old absolute paths: map them onto the new location. */
function relocateManifest(m: Manifest, loc: RepoLocation): Manifest {
  // Same clone seen from another linked worktree: nothing moved.
  if (m.commonDir === loc.commonDir) return m;
  const relocate = (p: string): string => {
    if (isInside(p, m.commonDir)) return path.join(loc.commonDir, path.relative(m.commonDir, p));
    if (isInside(p, m.topLevel)) return path.join(loc.topLevel, path.relative(m.topLevel, p));
    return p;
  };
  const hooks: Partial<Record<HookName, ManifestHook>> = {};
  for (const name of HOOK_NAMES) {
    const h = m.hooks[name];
    if (h) hooks[name] = { ...h, file: relocate(h.file) };
  }
  return {
    ...m,
    commonDir: loc.commonDir,
    topLevel: loc.topLevel,
    hooksDir: relocate(m.hooksDir),
    createdDirs: m.createdDirs.map(relocate),
    hooks,
  };
}

function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

async function readOptional(p: string): Promise<string | undefined> {
  try {
    return await readOptionalFile(p);
  } catch (err) {
    throw new InstallError(`${p}: cannot read (${errCode(err)})`);
  }
}

/** Atomic write (temp + rename) that leaves an identical file untouched; returns whether it changed anything. */
async function writeIfChanged(file: string, content: string, mode: number): Promise<boolean> {
  const current = await readOptional(file);
  if (current === content) {
    const st = await fs.stat(file);
    if ((st.mode & 0o7777) === mode) return false;
    await fs.chmod(file, mode);
    return true;
  }
  try {
    await atomicWrite(file, content, asyncFs, { mode });
  } catch (err) {
    throw new InstallError(`${file}: cannot write (${errCode(err)})`);
  }
  return true;
}

async function assertWritable(dir: string): Promise<void> {
  try {
    await fs.access(dir, fsConstants.W_OK);
  } catch (err) {
    throw new InstallError(`${dir}: hooks directory is not writable (${errCode(err)})`);
  }
}

async function removeIfEmpty(dir: string): Promise<void> {
  try {
    await fs.rmdir(dir);
  } catch {
    // Not empty or already gone: either way it stays as the user has it.
  }
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException | undefined)?.code ?? (err instanceof Error ? err.message : String(err));
}
