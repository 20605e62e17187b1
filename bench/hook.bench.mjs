// Wall time of Claude Code's hook for a typical Edit, the command exactly as `ai-provenance install --agents
// claude-code` writes it (the CLI by its absolute path) run through `sh -c` as Claude Code runs it, against a bare
// `node -e 0` in the same run: with the environment as it is, and with NODE_EXTRA_CA_CERTS emptied as the command
// empties it (when the variable is set).
// Usage: node scripts/build.mjs && node bench/hook.bench.mjs [--runs N] [--json]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 40;
const json = args.includes('--json');
const cli = path.resolve(new URL('..', import.meta.url).pathname, 'dist/cli.js');

const repo = mkdtempSync(path.join(tmpdir(), 'aip-hook-bench-'));
const gitc = (...a) => execFileSync('git', a, { cwd: repo, stdio: 'pipe' });
gitc('init', '-q', '-b', 'main');
gitc('config', 'user.email', 'bench@example.com');
gitc('config', 'user.name', 'Bench');
// A 400-line source file, the size of a typical module an agent edits.
const lines = Array.from({ length: 400 }, (_, i) => (i % 20 === 0 ? `export function f${i}(x: number): number {` : i % 20 === 19 ? '}' : `  x = x + ${i}; // step ${i}`));
const before = `${lines.join('\n')}\n`;
const file = path.join(repo, 'src', 'module.ts');
execFileSync('mkdir', ['-p', path.dirname(file)]);
writeFileSync(file, before);
gitc('add', '-A');
gitc('commit', '-q', '-m', 'init');
const oldString = '  x = x + 201; // step 201\n  x = x + 202; // step 202\n';
const newString = '  x = x + 201; // step 201\n  if (x > 1000) return x; // early exit\n  x = x + 202; // step 202\n';
const after = before.replace(oldString, newString);

const payload = (event) =>
  JSON.stringify({
    session_id: '9ecf22fa-edf8-4332-ae85-b6d5456eda64',
    transcript_path: path.join(repo, '.git', 'none.jsonl'),
    cwd: repo,
    permission_mode: 'default',
    hook_event_name: event,
    tool_name: 'Edit',
    tool_input: { file_path: file, old_string: oldString, new_string: newString, replace_all: false },
    ...(event === 'PostToolUse' ? { tool_response: { filePath: file, success: true } } : {}),
    tool_use_id: 'toolu_01BENCH',
  });
const pre = payload('PreToolUse');
const post = payload('PostToolUse');

// A code cache of the run's own (dist/cli.js keeps one per user): the warm-up rounds write and refresh it, as the
// first hook calls after an install do. The `node` the command names is the one running this benchmark, as for the
// baselines; CLAUDE_PROJECT_DIR is set as Claude Code sets it.
const env = {
  ...process.env,
  PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
  AI_PROVENANCE_CACHE_DIR: path.join(repo, '.git', 'bench-code-cache'),
  CLAUDE_PROJECT_DIR: repo,
};
const caBundle = process.env.NODE_EXTRA_CA_CERTS;
const noCaEnv = caBundle ? { ...env, NODE_EXTRA_CA_CERTS: '' } : undefined;

// The command install writes: the repository has no node_modules, so it names this dist/cli.js by its absolute path.
execFileSync(process.execPath, [cli, 'install', '--agents', 'claude-code'], { cwd: repo, env, stdio: 'pipe' });
const settings = JSON.parse(readFileSync(path.join(repo, '.claude', 'settings.json'), 'utf8'));
const command = settings.hooks.PreToolUse[0].hooks[0].command;
if (!command.startsWith('NODE_EXTRA_CA_CERTS= node "/') || settings.hooks.PostToolUse[0].hooks[0].command !== command) {
  throw new Error(`unexpected hook command: ${command}`);
}

function time(cmd, argv, input, runEnv = env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: repo, input, encoding: 'utf8', env: runEnv });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 || r.stdout !== '' || r.stderr !== '') throw new Error(`${argv.join(' ')}: exit ${r.status} ${r.stdout}${r.stderr}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const bare = [];
const bareNoCa = [];
const preT = [];
const postT = [];
for (let i = -3; i < runs; i++) {
  // Interleaved, so all see the same load on the machine; the first three rounds warm the disk cache.
  writeFileSync(file, before);
  const b = time(process.execPath, ['-e', '0'], '');
  const bn = noCaEnv ? time(process.execPath, ['-e', '0'], '', noCaEnv) : undefined;
  const p1 = time('sh', ['-c', command], pre);
  writeFileSync(file, after);
  const p2 = time('sh', ['-c', command], post);
  if (i >= 0) {
    bare.push(b);
    if (bn !== undefined) bareNoCa.push(bn);
    preT.push(p1);
    postT.push(p2);
  }
}
rmSync(repo, { recursive: true, force: true });

const min = (xs) => Math.min(...xs);
const result = {
  runs,
  command,
  nodeExtraCaCerts: caBundle || null,
  nodeBareMs: median(bare),
  nodeBareNoCaMs: noCaEnv ? median(bareNoCa) : null,
  preToolUseMs: median(preT),
  postToolUseMs: median(postT),
  // Minimums: what each costs when nothing else on the machine gets in the way.
  minNodeBareMs: min(bare),
  minNodeBareNoCaMs: noCaEnv ? min(bareNoCa) : null,
  minPreToolUseMs: min(preT),
  minPostToolUseMs: min(postT),
};
result.preRatio = result.preToolUseMs / result.nodeBareMs;
result.postRatio = result.postToolUseMs / result.nodeBareMs;
result.minPostRatio = result.minPostToolUseMs / result.minNodeBareMs;
result.preRatioNoCa = noCaEnv ? result.preToolUseMs / result.nodeBareNoCaMs : null;
result.postRatioNoCa = noCaEnv ? result.postToolUseMs / result.nodeBareNoCaMs : null;
result.minPostRatioNoCa = noCaEnv ? result.minPostToolUseMs / result.minNodeBareNoCaMs : null;
if (json) console.log(JSON.stringify(result));
else {
  const row = (label, median, min, note = '') => console.log(`${label.padEnd(36)}${median.padStart(10)}${min.padStart(10)}   ${note}`.trimEnd());
  const f = (ms) => ms.toFixed(1);
  const x = (r) => `${r.toFixed(2)}x`;
  const ratios = (m, mn) => {
    const vsBare = `${x(m / result.nodeBareMs)} (min ${x(mn / result.minNodeBareMs)})`;
    return noCaEnv ? `${vsBare}   ${x(m / result.nodeBareNoCaMs)} (min ${x(mn / result.minNodeBareNoCaMs)})` : vsBare;
  };
  console.log(`hook command, run with sh -c: ${command}`);
  if (noCaEnv) console.log(`NODE_EXTRA_CA_CERTS=${caBundle}`);
  row(`runs: ${runs}`, 'median ms', 'min ms', noCaEnv ? 'median / node -e 0   median / node -e 0 without the CA bundle' : 'median / node -e 0');
  row('node -e 0', f(result.nodeBareMs), f(result.minNodeBareMs));
  if (noCaEnv) row("node -e 0, NODE_EXTRA_CA_CERTS=''", f(result.nodeBareNoCaMs), f(result.minNodeBareNoCaMs));
  row('hook claude-code PreToolUse', f(result.preToolUseMs), f(result.minPreToolUseMs), ratios(result.preToolUseMs, result.minPreToolUseMs));
  row('hook claude-code PostToolUse', f(result.postToolUseMs), f(result.minPostToolUseMs), ratios(result.postToolUseMs, result.minPostToolUseMs));
}
