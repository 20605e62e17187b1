// Wall time of `ai-provenance hook claude-code` for a typical Edit, against a bare `node -e 0` in the same run.
// Usage: node scripts/build.mjs && node bench/hook.bench.mjs [--runs N] [--json]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
// first hook calls after an install do.
const env = { ...process.env, AI_PROVENANCE_CACHE_DIR: path.join(repo, '.git', 'bench-code-cache') };

function time(cmd, argv, input) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: repo, input, encoding: 'utf8', env });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 || r.stdout !== '' || r.stderr !== '') throw new Error(`${argv.join(' ')}: exit ${r.status} ${r.stdout}${r.stderr}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const bare = [];
const preT = [];
const postT = [];
for (let i = -3; i < runs; i++) {
  // Interleaved, so both see the same load on the machine; the first three rounds warm the disk cache.
  writeFileSync(file, before);
  const b = time(process.execPath, ['-e', '0'], '');
  const p1 = time(process.execPath, [cli, 'hook', 'claude-code'], pre);
  writeFileSync(file, after);
  const p2 = time(process.execPath, [cli, 'hook', 'claude-code'], post);
  if (i >= 0) {
    bare.push(b);
    preT.push(p1);
    postT.push(p2);
  }
}
rmSync(repo, { recursive: true, force: true });

const min = (xs) => Math.min(...xs);
const result = {
  runs,
  nodeBareMs: median(bare),
  preToolUseMs: median(preT),
  postToolUseMs: median(postT),
  // Minimums: what each costs when nothing else on the machine gets in the way.
  minNodeBareMs: min(bare),
  minPreToolUseMs: min(preT),
  minPostToolUseMs: min(postT),
};
result.preRatio = result.preToolUseMs / result.nodeBareMs;
result.postRatio = result.postToolUseMs / result.nodeBareMs;
result.minPostRatio = result.minPostToolUseMs / result.minNodeBareMs;
if (json) console.log(JSON.stringify(result));
else {
  console.log(`runs: ${runs}                     median ms      min ms`);
  console.log(`node -e 0                      ${result.nodeBareMs.toFixed(1).padStart(9)}   ${result.minNodeBareMs.toFixed(1).padStart(9)}`);
  console.log(`hook claude-code PreToolUse    ${result.preToolUseMs.toFixed(1).padStart(9)}   ${result.minPreToolUseMs.toFixed(1).padStart(9)}   (median ${result.preRatio.toFixed(2)}x)`);
  console.log(`hook claude-code PostToolUse   ${result.postToolUseMs.toFixed(1).padStart(9)}   ${result.minPostToolUseMs.toFixed(1).padStart(9)}   (median ${result.postRatio.toFixed(2)}x, min ${result.minPostRatio.toFixed(2)}x)`);
}
