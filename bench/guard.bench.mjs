// Wall time of the pre-tool guard (PRODUCT.md §12): Claude Code's PreToolUse hook, the command exactly as `ai-provenance
// install --agents claude-code` writes it, run through `sh -c`, in a repository whose .ai-provenance.json has critical
// rules with "agents" and command rules, against a bare `node -e 0` in the same run. Three payloads: a typical Edit
// of an ordinary file (allowed, snapshotted), an Edit into a "deny" path (answered with the deny JSON), and a Bash
// command that a command rule matches (answered with the ask JSON).
// Usage: node scripts/build.mjs && node bench/guard.bench.mjs [--runs N] [--json]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 40;
const json = args.includes('--json');
const cli = path.resolve(new URL('..', import.meta.url).pathname, 'dist/cli.js');

const repo = mkdtempSync(path.join(tmpdir(), 'aip-guard-bench-'));
const gitc = (...a) => execFileSync('git', a, { cwd: repo, stdio: 'pipe' });
gitc('init', '-q', '-b', 'main');
gitc('config', 'user.email', 'bench@example.com');
gitc('config', 'user.name', 'Bench');
const lines = Array.from({ length: 400 }, (_, i) => (i % 20 === 0 ? `export function f${i}(x: number): number {` : i % 20 === 19 ? '}' : `  x = x + ${i}; // step ${i}`));
const before = `${lines.join('\n')}\n`;
const file = path.join(repo, 'src', 'module.ts');
const critical = path.join(repo, 'infra', 'main.tf');
mkdirSync(path.dirname(file), { recursive: true });
mkdirSync(path.dirname(critical), { recursive: true });
writeFileSync(file, before);
writeFileSync(critical, 'resource "aws_db_instance" "main" {}\n');
// A config of the size a team writes: a few critical rules, ignore patterns, the README's command rules.
writeFileSync(
  path.join(repo, '.ai-provenance.json'),
  `${JSON.stringify(
    {
      critical: [
        { paths: ['infra/**', '**/*.tf'], reason: 'Production infrastructure', level: 'block', reviewers: ['jane@example.com'], agents: 'deny' },
        { paths: ['billing/**'], reason: 'Billing', level: 'block', reviewers: ['bob@example.com'], agents: 'ask' },
        { paths: ['docs/**'], reason: 'Docs', level: 'warn' },
      ],
      commands: [
        { match: ['terraform destroy', 'terraform apply -destroy', 'tofu destroy', 'pulumi destroy'], reason: 'Destroys cloud infrastructure', agents: 'deny' },
        { match: ['kubectl delete', 'helm uninstall', 'eksctl delete *'], reason: 'Deletes cluster resources', agents: 'ask' },
        { match: ['aws * delete-*', 'aws s3 rm', 'gcloud * delete', 'az * delete'], reason: 'Deletes cloud resources', agents: 'ask' },
        { match: ['rm -rf @critical', 'rm -r @critical', 'git clean -fdx'], reason: 'Deletes critical files', agents: 'deny' },
        { match: ['git push --force', 'git push -f', 'git push +*'], reason: 'Rewrites shared history', agents: 'ask' },
      ],
      ignore: ['dist/**', '**/*.lock'],
    },
    null,
    2,
  )}\n`,
);
gitc('add', '-A');
gitc('commit', '-q', '-m', 'init');
const oldString = '  x = x + 201; // step 201\n';
const newString = '  x = x + 201; // step 201\n  if (x > 1000) return x; // early exit\n';

const payload = (tool, input) =>
  JSON.stringify({
    session_id: '9ecf22fa-edf8-4332-ae85-b6d5456eda64',
    transcript_path: path.join(repo, '.git', 'none.jsonl'),
    cwd: repo,
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: tool,
    tool_input: input,
    tool_use_id: 'toolu_01BENCH',
  });
const editOrdinary = payload('Edit', { file_path: file, old_string: oldString, new_string: newString, replace_all: false });
const editDenied = payload('Edit', { file_path: critical, old_string: '{}', new_string: '{ deletion_protection = false }', replace_all: false });
const bashAsked = payload('Bash', { command: 'kubectl --context prod -n api delete deployment web', description: 'Delete the deployment' });

const env = {
  ...process.env,
  PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
  AI_PROVENANCE_CACHE_DIR: path.join(repo, '.git', 'bench-code-cache'),
  CLAUDE_PROJECT_DIR: repo,
};

execFileSync(process.execPath, [cli, 'install', '--agents', 'claude-code'], { cwd: repo, env, stdio: 'pipe' });
const command = JSON.parse(readFileSync(path.join(repo, '.claude', 'settings.json'), 'utf8')).hooks.PreToolUse[0].hooks[0].command;

// The hook command empties NODE_EXTRA_CA_CERTS (see hook.bench.mjs); a bare Node without the bundle is the second baseline.
const noCaEnv = process.env.NODE_EXTRA_CA_CERTS ? { ...env, NODE_EXTRA_CA_CERTS: '' } : undefined;

function time(cmd, argv, input, expect, runEnv = env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: repo, input, encoding: 'utf8', env: runEnv });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 || !expect(r.stdout)) throw new Error(`${argv.join(' ')}: exit ${r.status} ${r.stdout}${r.stderr}`);
  return ms;
}
const none = (out) => out === '';
const decision = (d) => (out) => JSON.parse(out).hookSpecificOutput.permissionDecision === d;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const t = { bare: [], bareNoCa: [], ordinary: [], denied: [], asked: [] };
for (let i = -3; i < runs; i++) {
  // Interleaved, so all see the same load on the machine; the first three rounds warm the disk and code caches.
  const b = time(process.execPath, ['-e', '0'], '', none);
  const bn = noCaEnv ? time(process.execPath, ['-e', '0'], '', none, noCaEnv) : undefined;
  const o = time('sh', ['-c', command], editOrdinary, none);
  const d = time('sh', ['-c', command], editDenied, decision('deny'));
  const a = time('sh', ['-c', command], bashAsked, decision('ask'));
  if (i >= 0) {
    t.bare.push(b);
    if (bn !== undefined) t.bareNoCa.push(bn);
    t.ordinary.push(o);
    t.denied.push(d);
    t.asked.push(a);
  }
}
rmSync(repo, { recursive: true, force: true });

const result = { runs, command, nodeBareMs: median(t.bare), minNodeBareMs: Math.min(...t.bare), nodeBareNoCaMs: noCaEnv ? median(t.bareNoCa) : null };
for (const k of ['ordinary', 'denied', 'asked']) {
  result[`${k}Ms`] = median(t[k]);
  result[`min${k[0].toUpperCase()}${k.slice(1)}Ms`] = Math.min(...t[k]);
  result[`${k}Ratio`] = median(t[k]) / result.nodeBareMs;
  result[`${k}RatioNoCa`] = noCaEnv ? median(t[k]) / result.nodeBareNoCaMs : null;
}
if (json) console.log(JSON.stringify(result));
else {
  const row = (label, m, mn, note = '') => console.log(`${label.padEnd(44)}${m.padStart(10)}${mn.padStart(10)}   ${note}`.trimEnd());
  console.log(`hook command, run with sh -c: ${command}`);
  const ratios = (k) => `${result[`${k}Ratio`].toFixed(2)}x${noCaEnv ? `   ${result[`${k}RatioNoCa`].toFixed(2)}x` : ''}`;
  row(`runs: ${runs}`, 'median ms', 'min ms', `median / node -e 0${noCaEnv ? '   median / node -e 0 without the CA bundle' : ''}`);
  row('node -e 0', result.nodeBareMs.toFixed(1), result.minNodeBareMs.toFixed(1));
  if (noCaEnv) row("node -e 0, NODE_EXTRA_CA_CERTS=''", result.nodeBareNoCaMs.toFixed(1), Math.min(...t.bareNoCa).toFixed(1));
  row('PreToolUse Edit, ordinary file (allowed)', result.ordinaryMs.toFixed(1), result.minOrdinaryMs.toFixed(1), ratios('ordinary'));
  row('PreToolUse Edit, "deny" path (deny JSON)', result.deniedMs.toFixed(1), result.minDeniedMs.toFixed(1), ratios('denied'));
  row('PreToolUse Bash, command rule (ask JSON)', result.askedMs.toFixed(1), result.minAskedMs.toFixed(1), ratios('asked'));
}
