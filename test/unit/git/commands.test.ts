import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { cleanupTemp, initRepo, lines, write } from './helpers';
import { cliBundle, installHooks, hookedEnv } from './hookEnv';

const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures/agent-trace/trace-record.schema.json'), 'utf8'));
const ajv = new Ajv2020({ strict: false });
addFormats(ajv);
const validateTrace = ajv.compile(schema);

const env = hookedEnv;

function cli(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliBundle().cli, ...args], { cwd, env: env(), encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: env(), encoding: 'utf8' });
}

describe('ai-provenance commands', function () {
  before(() => cliBundle());
  after(cleanupTemp);

  function repoWithHooks(): string {
    const dir = initRepo();
    installHooks(path.join(dir, '.git', 'hooks'));
    write(dir, '.ai-provenance.json', JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'Prod', level: 'warn' }] }));
    write(dir, 'src/a.ts', lines(10));
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'base');
    return dir;
  }

  describe('record', () => {
    it('records a range, and status, trailers and the next commit see it', () => {
      const dir = repoWithHooks();
      write(dir, 'src/a.ts', lines(10) + 'ai 1\nai 2\n');
      write(dir, 'infra/x.tf', 'resource\n');
      // Named as the editor names it: recorded as agent hooks record the same model.
      let r = cli(path.join(dir, 'src'), 'record', '--agent', 'codex', '--model', 'copilot/GPT-5', 'a.ts:11-12');
      assert.equal(r.status, 0, r.stderr);
      r = cli(dir, 'record', '--agent', 'claude-code', 'infra/x.tf');
      assert.equal(r.status, 0, r.stderr);
      const status = JSON.parse(cli(dir, 'status', '--json').stdout) as { path: string; aiLines: number; ranges: number[][]; agents: string[]; critical?: { level: string } }[];
      assert.deepEqual(
        status.map((s) => [s.path, s.aiLines, s.ranges, s.agents, s.critical?.level]),
        [
          ['infra/x.tf', 1, [[1, 1]], ['claude-code'], 'warn'],
          ['src/a.ts', 2, [[11, 12]], ['codex:openai/gpt-5'], undefined],
        ],
      );
      assert.match(cli(dir, 'status').stdout, /^infra\/x\.tf: 1 AI line at 1 by claude-code {2}CRITICAL warn: Prod$/m);
      git(dir, 'add', '.');
      assert.equal(cli(dir, 'trailers').stdout, 'Assisted-by: codex:openai/gpt-5\nAssisted-by: claude-code\nAI-Lines: 3/3\nAI-Critical: infra/x.tf\n');
      git(dir, 'commit', '-qm', 'ai work');
      assert.equal(cli(dir, 'status').stdout, 'No AI-written lines pending.\n');
    });

    it('refuses bad input with one line naming the file and position', () => {
      const dir = repoWithHooks();
      const cases: [string[], RegExp][] = [
        [['record', 'src/a.ts'], /^ai-provenance record: --agent is required/],
        [['record', '--agent', 'Claude Code', 'src/a.ts'], /--agent 'Claude Code': expected a lower-case agent id/],
        [['record', '--agent', 'codex', 'src/a.ts:5-50'], /^ai-provenance record: src\/a\.ts:5-50: src\/a\.ts has 10 lines$/],
        [['record', '--agent', 'codex', 'src/a.ts:0-2'], /src\/a\.ts:0-2: expected START-END with 1 <= START <= END/],
        [['record', '--agent', 'codex', 'nope.ts:1-2'], /^ai-provenance record: nope\.ts: cannot read \(ENOENT\)$/],
        [['record', '--agent', 'codex', '--bogus', 'src/a.ts'], /^ai-provenance record: Unknown option '--bogus'/],
        [['record', '--agent', 'codex', '--model', 'auto', 'src/a.ts'], /^ai-provenance record: --model 'auto': expected PROVIDER\/MODEL/],
        [['record', '--agent', 'codex', '--model', 'my model', 'src/a.ts'], /--model 'my model': expected PROVIDER\/MODEL/],
      ];
      for (const [args, re] of cases) {
        const r = cli(dir, ...args);
        assert.notEqual(r.status, 0, args.join(' '));
        assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
        assert.match(r.stderr.trimEnd(), re);
      }
      assert.equal(cli(dir, 'status').stdout, 'No AI-written lines pending.\n', 'nothing was recorded by the failed calls');
    });
  });

  describe('status', () => {
    it('leaves out files the config ignores, as the trailers, the commit and blame do', () => {
      const dir = repoWithHooks();
      write(dir, '.ai-provenance.json', JSON.stringify({ critical: [{ paths: ['dist/**'], reason: 'Shipped', level: 'block' }], ignore: ['dist/**'] }));
      git(dir, 'commit', '-qam', 'ignore dist');
      write(dir, 'dist/out.js', lines(3));
      write(dir, 'src/a.ts', lines(10) + 'ai\n');
      assert.equal(cli(dir, 'record', '--agent', 'codex', 'dist/out.js', 'src/a.ts:11').status, 0);
      const json = JSON.parse(cli(dir, 'status', '--json').stdout) as { path: string }[];
      assert.deepEqual(json.map((s) => s.path), ['src/a.ts']);
      assert.equal(cli(dir, 'status').stdout, 'src/a.ts: 1 AI line at 11 by codex\n');
      // blame agrees: the ignored file's lines are not shown as AI, the other file's are.
      const kinds = (file: string): string[] => (JSON.parse(cli(dir, 'blame', file, '--json').stdout) as { kind: string }[]).map((l) => l.kind);
      assert.deepEqual(kinds('dist/out.js'), ['human', 'human', 'human']);
      assert.equal(kinds('src/a.ts')[10], 'ai');
      git(dir, 'add', '.');
      assert.equal(cli(dir, 'trailers').stdout, 'Assisted-by: codex\nAI-Lines: 1/1\n');
      // The block rule on dist/** is not applied either: the commit goes through.
      git(dir, 'commit', '-qm', 'build');
      assert.equal(cli(dir, 'status').stdout, 'No AI-written lines pending.\n');
    });
  });

  describe('record edge cases', () => {
    type Status = { path: string; aiLines: number; ranges: number[][] }[];
    const status = (dir: string): Status => JSON.parse(cli(dir, 'status', '--json').stdout) as Status;

    it('takes a range on a file whose name holds a newline and a colon', () => {
      const dir = repoWithHooks();
      const name = 'odd\nna:me.ts';
      write(dir, name, lines(4));
      const r = cli(dir, 'record', '--agent', 'codex', `${name}:2-3`);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(status(dir).map((s) => [s.path, s.ranges]), [[name, [[2, 3]]]]);
    });

    it('quotes a file name with a newline so the error stays on one line', () => {
      const dir = repoWithHooks();
      write(dir, 'a\nb.ts', lines(2));
      const r = cli(dir, 'record', '--agent', 'codex', 'a\nb.ts:3');
      assert.equal(r.status, 2);
      assert.equal(r.stderr, 'ai-provenance record: "a\\nb.ts:3": "a\\nb.ts" has 2 lines\n');
    });

    it('records nothing at all when any one of several targets is bad', () => {
      const dir = repoWithHooks();
      write(dir, 'src/b.ts', lines(3));
      for (const bad of ['src/b.ts:2-9', 'src/missing.ts', 'src/b.ts:0']) {
        const r = cli(dir, 'record', '--agent', 'codex', 'src/a.ts:1-2', 'src/b.ts:1', bad);
        assert.equal(r.status, 2, bad);
        assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
        assert.deepEqual(status(dir), [], `nothing recorded after ${bad}`);
      }
      const ok = cli(dir, 'record', '--agent', 'codex', 'src/a.ts:1-2', 'src/b.ts:1', 'src/a.ts:9');
      assert.equal(ok.status, 0, ok.stderr);
      assert.deepEqual(status(dir).map((s) => [s.path, s.ranges]), [['src/a.ts', [[1, 2], [9, 9]]], ['src/b.ts', [[1, 1]]]]);
    });

    it('counts the lines of CRLF and lone-CR files as the editor and status do', () => {
      const dir = repoWithHooks();
      write(dir, 'crlf.ts', 'one\r\ntwo\r\n\r\nfour\r\n');
      write(dir, 'cr.ts', 'one\rtwo\rthree');
      assert.equal(cli(dir, 'record', '--agent', 'codex', 'crlf.ts:5').stderr, 'ai-provenance record: crlf.ts:5: crlf.ts has 4 lines\n');
      assert.equal(cli(dir, 'record', '--agent', 'codex', 'crlf.ts:2-4').status, 0);
      assert.equal(cli(dir, 'record', '--agent', 'codex', 'cr.ts').status, 0);
      assert.deepEqual(
        status(dir).map((s) => [s.path, s.aiLines, s.ranges]),
        [
          ['cr.ts', 3, [[1, 3]]],
          ['crlf.ts', 2, [[2, 2], [4, 4]]],
        ],
        'the blank third line of crlf.ts stays human',
      );
    });
  });

  describe('blame and export', () => {
    it('joins committed notes (through later edits and a rename) with uncommitted AI lines', () => {
      const dir = repoWithHooks();
      write(dir, 'src/a.ts', lines(10) + 'ai 1\nai 2\n');
      cli(dir, 'record', '--agent', 'codex', '--session', 'S1', 'src/a.ts:11-12');
      git(dir, 'commit', '-qam', 'ai lines');
      const aiCommit = git(dir, 'rev-parse', 'HEAD').trim();
      git(dir, 'mv', 'src/a.ts', 'src/b.ts');
      write(dir, 'src/b.ts', 'new top\n' + lines(10) + 'ai 1\nai 2\n');
      git(dir, 'commit', '-qam', 'human edit and rename');
      write(dir, 'src/b.ts', 'new top\n' + lines(10) + 'ai 1\nai 2\nuncommitted ai\n');
      cli(dir, 'record', '--agent', 'copilot', 'src/b.ts:14');
      const r = cli(dir, 'blame', 'src/b.ts', '--json');
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { line: number; kind: string; agent?: string; session?: string; commit?: string }[];
      assert.equal(out.length, 14);
      assert.deepEqual(
        out.filter((l) => l.kind !== 'human').map((l) => [l.line, l.kind, l.agent, l.session, l.commit]),
        [
          [12, 'ai', 'codex', 'S1', aiCommit],
          [13, 'ai', 'codex', 'S1', aiCommit],
          [14, 'ai', 'copilot', undefined, undefined],
        ],
      );
      assert.ok(out.slice(0, 11).every((l) => l.kind === 'human' && typeof l.commit === 'string'));
      assert.match(cli(dir, 'blame', 'src/b.ts').stdout, /^12 ai {4}[0-9a-f]{11} codex +ai 1$/m);
    });

    it('exports a commit\'s note as a schema-valid Agent Trace record, and an empty one for a commit without', () => {
      const dir = repoWithHooks();
      write(dir, 'src/a.ts', lines(10) + 'ai\n');
      cli(dir, 'record', '--agent', 'codex', 'src/a.ts:11');
      git(dir, 'commit', '-qam', 'ai');
      const rec = JSON.parse(cli(dir, 'export', '--format', 'agent-trace').stdout) as { vcs: { revision: string }; files: { path: string }[] };
      assert.ok(validateTrace(rec), ajv.errorsText(validateTrace.errors));
      assert.equal(rec.vcs.revision, git(dir, 'rev-parse', 'HEAD').trim());
      assert.deepEqual(rec.files.map((f) => f.path), ['src/a.ts']);
      const empty = JSON.parse(cli(dir, 'export', 'HEAD~1').stdout) as { files: unknown[] };
      assert.ok(validateTrace(empty));
      assert.deepEqual(empty.files, []);
    });

    it('gives one-line errors for a missing file, a bad revision and a bad format', () => {
      const dir = repoWithHooks();
      const cases: [string[], RegExp][] = [
        [['blame', 'missing.ts'], /^ai-provenance blame: missing\.ts: no such file$/],
        [['blame'], /^ai-provenance blame: name exactly one FILE/],
        [['export', 'no-such-rev'], /^ai-provenance export: no-such-rev: not a commit$/],
        [['export', '--format', 'csv'], /^ai-provenance export: --format 'csv': expected agent-trace or ndjson$/],
      ];
      for (const [args, re] of cases) {
        const r = cli(dir, ...args);
        assert.notEqual(r.status, 0);
        assert.match(r.stderr.trimEnd(), re);
      }
    });

    it('prints help for each command', () => {
      const dir = repoWithHooks();
      for (const c of ['record', 'status', 'trailers', 'blame', 'export', '_hook']) {
        const r = cli(dir, c, '--help');
        assert.equal(r.status, 0);
        assert.match(r.stdout, /^Usage: ai-provenance /);
      }
    });
  });
});
