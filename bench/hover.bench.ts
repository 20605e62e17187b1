// Hover after commit: from a real `git commit` (our hooks installed as a user installs them) returning until the
// extension's committed view has the new commit's attribution for the file: GitStore.history, the in-process read
// (settle the working state, `git blame`, the notes) a document runs when HEAD moves, before CommittedAttributions
// takes its lines for the hover. Against `git log -1` + `git notes show` of the same commit in the same run: the least
// any reader of the new note must spawn. The file-watcher delay before the extension starts reading is not counted.
// Run: node scripts/build.mjs && npx tsx bench/hover.bench.ts [--runs N] [--lines N] [--json]
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { GitStore } from '../src/extension/gitStore';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const runs = Number(opt('--runs')) || 11;
const size = Number(opt('--lines')) || 500;
const json = args.includes('--json');
const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist', 'cli.js');
const scratch = mkdtempSync(path.join(tmpdir(), 'aip-hover-bench-'));
const repo = path.join(scratch, 'repo');
// The user's environment, without their git config; the identity is the repository's own.
const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', AI_PROVENANCE_CACHE_DIR: path.join(scratch, 'cache') };
const REL = 'src/module.ts';
const ADDED = 5;

function git(...a: string[]): string {
  return execFileSync('git', a, { cwd: repo, env, encoding: 'utf8', maxBuffer: 1 << 28 });
}

function timedGit(a: string[]): { ms: number; out: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('git', a, { cwd: repo, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`git ${a.join(' ')}: ${r.stderr}`);
  return { ms, out: r.stdout };
}

function median(xs: readonly number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

mkdirSync(path.join(repo, 'src'), { recursive: true });
git('init', '-q', '-b', 'main');
git('config', 'user.name', 'Bench');
git('config', 'user.email', 'bench@example.com');
writeFileSync(path.join(repo, REL), Array.from({ length: size }, (_, i) => `export const v${i} = ${i};\n`).join(''));
git('add', '-A');
git('commit', '-qm', 'init');
execFileSync(process.execPath, [cli, 'install'], { cwd: repo, env, stdio: 'ignore' });

let lineCount = size;
/** Appends ADDED lines an agent wrote (recorded through the CLI), stages them and commits with our hooks; the new commit. */
function aiCommit(k: number): string {
  appendFileSync(path.join(repo, REL), Array.from({ length: ADDED }, (_, j) => `export function agent${k}_${j}(x: number): number { return x * ${j + 2}; }\n`).join(''));
  execFileSync(process.execPath, [cli, 'record', '--agent', 'claude-code', '--model', 'anthropic/claude-opus-4-5', `${REL}:${lineCount + 1}-${lineCount + ADDED}`], { cwd: repo, env, stdio: 'ignore' });
  lineCount += ADDED;
  git('add', REL);
  git('commit', '-qm', `agent change ${k}`);
  return git('rev-parse', 'HEAD').trim();
}

/** How many lines the committed view attributes to the agent, by the note of `head`. */
function freshLines(history: Awaited<ReturnType<GitStore['history']>>, head: string): number {
  let n = 0;
  for (const r of history?.lines.runs ?? []) {
    const a = history!.lines.attributions[r.id]!;
    if (history!.commits[r.id] === head && r.kind === 'ai' && a.agent === 'claude-code' && a.model === 'anthropic/claude-opus-4-5') n += r.end - r.start;
  }
  return n;
}

async function main(): Promise<void> {
  const store = new GitStore(
    () => true,
    () => [repo],
  );
  const ref = await store.repoFor(path.join(repo, REL));
  if (!ref) throw new Error('no repository found');
  const extension: number[] = [];
  const baseline: number[] = [];
  const load: number[] = [];
  // Two warm-up rounds: the first history read loads the blame code, as a window's first hover does.
  for (let k = 0; k < runs + 2; k++) {
    const head = aiCommit(k);
    const viaStore = async (): Promise<number> => {
      const t0 = process.hrtime.bigint();
      const history = await store.history(ref, REL);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const fresh = freshLines(history, head);
      if (fresh !== ADDED) throw new Error(`the committed view has ${fresh} of the ${ADDED} AI lines of ${head}`);
      return ms;
    };
    const viaGit = (): number => {
      const log = timedGit(['log', '-1', '--format=%H']);
      const note = timedGit(['notes', '--ref=refs/notes/ai-provenance', 'show', log.out.trim()]);
      if (log.out.trim() !== head || !note.out.includes(REL)) throw new Error(`no note of ${head} naming ${REL}`);
      return log.ms + note.ms;
    };
    // Alternating which goes first: the second finds git's files in the page cache.
    let a: number;
    let b: number;
    if (k % 2 === 0) {
      a = await viaStore();
      b = viaGit();
    } else {
      b = viaGit();
      a = await viaStore();
    }
    if (k < 2) continue;
    extension.push(a);
    baseline.push(b);
    load.push(loadavg()[0]!);
  }
  const result = {
    runs,
    lines: size,
    commits: runs + 3,
    history: median(extension),
    logAndNotes: median(baseline),
    ratio: median(extension) / median(baseline),
    ratios: extension.map((x, i) => x / baseline[i]!),
    load: median(load),
  };
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`hover after commit, ${size}-line file, ${ADDED} AI lines a commit, ${runs} runs (load ${result.load.toFixed(1)})`);
    console.log(`  GitStore.history (settle + blame + notes, in process): ${result.history.toFixed(1)} ms median`);
    console.log(`  git log -1 + git notes show:                           ${result.logAndNotes.toFixed(1)} ms median`);
    console.log(`  ratio: ${result.ratio.toFixed(2)} (median of per-run ratios ${median(result.ratios).toFixed(2)})`);
  }
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => rmSync(scratch, { recursive: true, force: true }));
