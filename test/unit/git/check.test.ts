import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable, Readable } from 'node:stream';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { command } from '../../../src/cli/commands/check';
import { parsePathList } from '../../../src/git/check';
import { buildTraceRecord, serializeTraceRecord } from '../../../src/core/agentTrace';
import { applyTrailers, buildTrailers } from '../../../src/core/trailers';
import { compileConfig, parseConfig } from '../../../src/core/config';
import type { CommitFileProvenance } from '../../../src/core/model';

// Real git in temporary repositories. Notes and trailers are written the way the post-commit and
// prepare-commit-msg hooks write them (with the core's builders), and commits are made with --no-verify.

const CONFIG = `{
  // infra needs Jane's sign-off; docs only warn
  "critical": [
    { "paths": ["infra/**"], "reason": "Production infrastructure", "level": "block", "reviewers": ["jane@example.com", "ops@example.com"] },
    { "paths": ["docs/"], "reason": "Public documentation", "level": "warn" }
  ]
}
`;

const DEV = { name: 'Dev Eloper', email: 'dev@example.com' };
const JANE = { name: 'Jane Doe', email: 'jane@example.com' };

let tmp: string;
let env: NodeJS.ProcessEnv;

function git(cwd: string, args: readonly string[], input?: string, extraEnv: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync('git', args as string[], { cwd, env: { ...env, ...extraEnv }, input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function newRepo(config: string | null = CONFIG): string {
  const repo = path.join(tmp, 'repo');
  fs.mkdirSync(repo);
  git(repo, ['init', '-q', '-b', 'main']);
  fs.writeFileSync(path.join(repo, 'README.md'), 'hello\n');
  if (config !== null) fs.writeFileSync(path.join(repo, '.ai-provenance.json'), config);
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', 'initial'], undefined, authorEnv(DEV));
  return repo;
}

function authorEnv(who: { name: string; email: string }): NodeJS.ProcessEnv {
  return { GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email };
}

interface CommitSpec {
  readonly files: Record<string, string>;
  /** AI line ranges per file, 1-based inclusive. */
  readonly ai?: Record<string, [number, number][]>;
  readonly message: string;
  readonly author?: { name: string; email: string };
  readonly reviewedBy?: string;
  /** Write the note, as post-commit does (default true). */
  readonly note?: boolean;
  /** Add the trailers, as prepare-commit-msg does (default true). */
  readonly trailers?: boolean;
}

/** Commits with --no-verify, so no commit-msg hook could have stopped it; returns the commit id. */
function aiCommit(repo: string, spec: CommitSpec): string {
  const provenance: CommitFileProvenance[] = [];
  for (const [p, content] of Object.entries(spec.files)) {
    fs.mkdirSync(path.dirname(path.join(repo, p)), { recursive: true });
    fs.writeFileSync(path.join(repo, p), content);
    git(repo, ['add', '--', p]);
    const runs = (spec.ai?.[p] ?? []).map(([s, e]) => ({ start: s - 1, end: e, kind: 'ai' as const, id: 0 }));
    const attributions = [{ agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'agent-hook' as const, at: '2026-01-01T00:00:00Z' }];
    provenance.push({ path: p, addedLines: content.split('\n').length - 1, attributions, runs });
  }
  const configText = fs.existsSync(path.join(repo, '.ai-provenance.json')) ? fs.readFileSync(path.join(repo, '.ai-provenance.json'), 'utf8') : '{}';
  const compiled = compileConfig(parseConfig(configText).config ?? { critical: [], commands: [], trailers: { assistedBy: true, lineCounts: true, coAuthoredBy: false }, ignore: [] });
  let message = spec.message + '\n';
  if (spec.reviewedBy) message += `\nAI-Reviewed-by: ${spec.reviewedBy}\n`;
  if (spec.trailers !== false) {
    const t = buildTrailers(provenance, { assistedBy: true, lineCounts: true, coAuthoredBy: false, isCritical: (p) => compiled.isCritical(p) });
    message = applyTrailers(message, t);
  }
  git(repo, ['commit', '-q', '--no-verify', '-F', '-'], message, authorEnv(spec.author ?? DEV));
  const sha = git(repo, ['rev-parse', 'HEAD']).trim();
  if (spec.note !== false && provenance.some((f) => f.runs.length > 0)) {
    const record = buildTraceRecord({ revision: sha, files: provenance, toolVersion: '0.1.0' });
    git(repo, ['notes', '--ref=ai-provenance', 'add', '-F', '-', sha], serializeTraceRecord(record));
  }
  return sha;
}

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function check(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await command.run(args, { cwd, stdout, stderr, stdin: Readable.from([]) });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const sarifSchema = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../fixtures/sarif/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;
// The schema is draft-04: Ajv 8 reads it once its draft-04 `$schema`/`id` markers are dropped; its patterns are not unicode-safe.
delete sarifSchema.$schema;
delete sarifSchema.id;
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validateSarif = ajv.compile(sarifSchema);

interface SarifOut {
  runs: {
    tool: { driver: { name: string; rules: { id: string }[] } };
    results: {
      ruleId: string;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; endLine?: number } } }[];
    }[];
  }[];
}

interface JsonOut {
  version: number;
  ok: boolean;
  summary: { commits: number; violations: number; warnings: number; unjudged: number; unreadableNotes: number };
  commits: {
    commit: string;
    source: string;
    files: { path: string; aiLines: number | null; ranges: { startLine: number; endLine: number }[] }[];
    findings: { level: string; rule: { index: number; reason: string }; files: string[]; message: string; howToFix: string | null }[];
  }[];
}

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aip-check-')));
  const gitconfig = path.join(tmp, 'gitconfig');
  fs.writeFileSync(gitconfig, '[user]\n\tname = Dev Eloper\n\temail = dev@example.com\n');
  env = { ...process.env, HOME: tmp, GIT_CONFIG_GLOBAL: gitconfig, GIT_CONFIG_NOSYSTEM: '1' };
  process.env.GIT_CONFIG_GLOBAL = gitconfig;
  process.env.GIT_CONFIG_NOSYSTEM = '1';
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('check', function () {

  describe('a --no-verify commit with unreviewed AI lines in a block path', () => {
    let repo: string;
    let base: string;
    let bad: string;

    beforeEach(() => {
      repo = newRepo();
      base = git(repo, ['rev-parse', 'HEAD']).trim();
      aiCommit(repo, { files: { 'src/app.ts': 'a\nb\n' }, ai: { 'src/app.ts': [[1, 2]] }, message: 'AI lines outside critical paths' });
      bad = aiCommit(repo, {
        files: { 'infra/main.tf': 'resource "x" {\n  a = 1\n}\nhuman\n' },
        ai: { 'infra/main.tf': [[1, 3]] },
        message: 'Scale the cluster',
      });
    });

    it('exits 1 and names the commit, the file with its lines, the rule and how to fix it (text)', async () => {
      const r = await check(repo, `${base}..HEAD`);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, new RegExp(`^error: commit ${bad.slice(0, 12)} "Scale the cluster" by Dev Eloper <dev@example\\.com>$`, 'm'));
      assert.match(r.stdout, /^ {2}files: infra\/main\.tf:1-3$/m);
      assert.match(r.stdout, /critical\[0\] "Production infrastructure"/);
      assert.match(r.stdout, /AI-Reviewed-by/);
      assert.match(r.stdout, new RegExp(`git rebase -i ${bad.slice(0, 12)}\\^`));
      assert.match(r.stdout, /2 commits checked, 1 violation, 0 warnings$/m);
    });

    it('reports it in the documented JSON shape', async () => {
      const r = await check(repo, `${base}..HEAD`, '--format', 'json');
      assert.equal(r.code, 1);
      const doc = JSON.parse(r.stdout) as JsonOut;
      assert.equal(doc.version, 1);
      assert.equal(doc.ok, false);
      assert.deepEqual(doc.summary, { commits: 2, violations: 1, warnings: 0, unjudged: 0, unreadableNotes: 0 });
      const c = doc.commits.find((x) => x.commit === bad);
      assert.ok(c);
      assert.equal(c.source, 'note');
      assert.deepEqual(c.files, [{ path: 'infra/main.tf', aiLines: 3, ranges: [{ startLine: 1, endLine: 3 }] }]);
      assert.equal(c.findings.length, 1);
      assert.equal(c.findings[0].level, 'block');
      assert.deepEqual(c.findings[0].rule, { index: 0, reason: 'Production infrastructure', level: 'block', paths: ['infra/**'], reviewers: ['jane@example.com', 'ops@example.com'] });
      assert.deepEqual(c.findings[0].files, ['infra/main.tf']);
      assert.ok(c.findings[0].howToFix);
    });

    it('reports it as valid SARIF 2.1.0 with the rule, level and the lines from the note', async () => {
      const r = await check(repo, `${base}..HEAD`, '--format', 'sarif');
      assert.equal(r.code, 1);
      const log = JSON.parse(r.stdout) as SarifOut;
      assert.ok(validateSarif(log), JSON.stringify(validateSarif.errors, null, 2));
      const run = log.runs[0];
      assert.equal(run.tool.driver.name, 'ai-provenance');
      assert.equal(run.results.length, 1);
      const res = run.results[0];
      assert.equal(res.level, 'error');
      assert.ok(run.tool.driver.rules.some((rule) => rule.id === res.ruleId));
      assert.match(res.message.text, new RegExp(bad.slice(0, 12)));
      assert.deepEqual(res.locations[0].physicalLocation.artifactLocation.uri, 'infra/main.tf');
      assert.deepEqual(res.locations[0].physicalLocation.region, { startLine: 1, endLine: 3 });
    });

    it('passes once the range leaves that commit out', async () => {
      const r = await check(repo, `${base}..HEAD~1`);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /1 commit checked, 0 violations, 0 warnings/);
    });
  });

  describe('sign-off', () => {
    it('passes a commit reviewed by an allowed reviewer who is not the author', async () => {
      const repo = newRepo();
      const base = git(repo, ['rev-parse', 'HEAD']).trim();
      aiCommit(repo, { files: { 'infra/a.tf': 'x\n' }, ai: { 'infra/a.tf': [[1, 1]] }, message: 'Reviewed change', reviewedBy: 'Jane Doe <jane@example.com>' });
      const r = await check(repo, `${base}..HEAD`);
      assert.equal(r.code, 0, r.stdout);
      assert.match(r.stdout, /1 commit checked, 0 violations/);
    });

    it("fails a commit whose only sign-off is the author's own", async () => {
      const repo = newRepo();
      const base = git(repo, ['rev-parse', 'HEAD']).trim();
      aiCommit(repo, { files: { 'infra/a.tf': 'x\n' }, ai: { 'infra/a.tf': [[1, 1]] }, message: 'Self-approved', author: JANE, reviewedBy: 'Jane Doe <jane@example.com>' });
      const r = await check(repo, `${base}..HEAD`);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /author's own sign-off/);
    });

    it('fails a sign-off by someone not on the rule’s reviewers list', async () => {
      const repo = newRepo();
      const base = git(repo, ['rev-parse', 'HEAD']).trim();
      aiCommit(repo, { files: { 'infra/a.tf': 'x\n' }, ai: { 'infra/a.tf': [[1, 1]] }, message: 'Wrong reviewer', reviewedBy: 'Bob <bob@example.com>' });
      assert.equal((await check(repo, `${base}..HEAD`)).code, 1);
    });
  });

  describe('warn-only paths', () => {
    it('passes with a warning that names the file', async () => {
      const repo = newRepo();
      const base = git(repo, ['rev-parse', 'HEAD']).trim();
      aiCommit(repo, { files: { 'docs/guide.md': 'one\ntwo\n' }, ai: { 'docs/guide.md': [[2, 2]] }, message: 'Docs' });
      const r = await check(repo, `${base}..HEAD`);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^warning: commit [0-9a-f]{12} "Docs"/m);
      assert.match(r.stdout, /files: docs\/guide\.md:2$/m);
      assert.match(r.stdout, /0 violations, 1 warning$/m);
      const sarif = JSON.parse((await check(repo, `${base}..HEAD`, '--format', 'sarif')).stdout) as SarifOut;
      assert.ok(validateSarif(sarif));
      assert.equal(sarif.runs[0].results[0].level, 'warning');
    });
  });

  describe('evidence', () => {
    it('judges a commit without a note from its AI-Lines and AI-Critical trailers', async () => {
      const repo = newRepo();
      const base = git(repo, ['rev-parse', 'HEAD']).trim();
      const sha = aiCommit(repo, { files: { 'infra/db.tf': 'a\nb\n' }, ai: { 'infra/db.tf': [[1, 2]] }, message: 'No note', note: false });
      assert.match(git(repo, ['log', '-1', '--format=%B']), /^AI-Critical: infra\/db\.tf$/m);
      const r = await check(repo, `${base}..HEAD`, '--format', 'json');
      assert.equal(r.code, 1);
      const doc = JSON.parse(r.stdout) as JsonOut;
      assert.equal(doc.commits[0].commit, sha);
      assert.equal(doc.commits[0].source, 'trailers');
      assert.deepEqual(doc.commits[0].files, [{ path: 'infra/db.tf', aiLines: null, ranges: [] }]);
      assert.match(r.stderr, /no refs\/notes\/ai-provenance in this clone/);

      const sarif = JSON.parse((await check(repo, `${base}..HEAD`, '--format', 'sarif')).stdout) as SarifOut;
      assert.ok(validateSarif(sarif), JSON.stringify(validateSarif.errors));
      assert.deepEqual(sarif.runs[0].results[0].locations[0].physicalLocation.region, { startLine: 1 });
    });

    it('passes human-only changes to a block path (no note, no trailers)', async () => {
      const repo = newRepo();
      const base = git(repo, ['rev-parse', 'HEAD']).trim();
      aiCommit(repo, { files: { 'infra/main.tf': 'hand written\n' }, message: 'By hand' });
      const r = await check(repo, `${base}..HEAD`, '--format', 'json');
      assert.equal(r.code, 0);
      assert.equal((JSON.parse(r.stdout) as JsonOut).commits[0].source, 'none');
    });

    it('reports a corrupt note with its position and falls back to the trailers', async () => {
      const repo = newRepo();
      const base = git(repo, ['rev-parse', 'HEAD']).trim();
      const sha = aiCommit(repo, { files: { 'infra/a.tf': 'x\n' }, ai: { 'infra/a.tf': [[1, 1]] }, message: 'Corrupt note', note: false });
      git(repo, ['notes', '--ref=ai-provenance', 'add', '-m', '{"version": ', sha]);
      const r = await check(repo, `${base}..HEAD`);
      assert.equal(r.code, 1, 'the violation its trailers show decides the status');
      assert.match(r.stderr, new RegExp(`^refs/notes/ai-provenance:${sha}:\\d+:\\d+: `, 'm'));
      assert.match(r.stdout, /from its trailers/);
    });

    it('judges a commit by its note alone when it has one: trailers naming other critical files do not count', async () => {
      const repo = newRepo();
      const base = git(repo, ['rev-parse', 'HEAD']).trim();
      // A message reused from another commit (-C) keeps that commit's trailers; the note says what this one holds.
      aiCommit(repo, { files: { 'docs/a.md': 'x\n' }, ai: { 'docs/a.md': [[1, 1]] }, message: 'Reused message\n\nAI-Lines: 1/1\nAI-Critical: infra/db.tf', trailers: false });
      const r = await check(repo, `${base}..HEAD`, '--format', 'json');
      const doc = JSON.parse(r.stdout) as JsonOut;
      assert.equal(r.code, 0, r.stdout);
      assert.equal(doc.commits[0].source, 'note');
      assert.deepEqual(doc.commits[0].files.map((f) => f.path), ['docs/a.md']);
      assert.deepEqual(doc.commits[0].findings.map((f) => [f.level, f.files]), [['warn', ['docs/a.md']]]);
    });

    describe('a squash commit made on the server (no note; the squashed commits\' trailers in its body)', () => {
      const squash = (first: string, second: string): string =>
        `Add the database (#12)\n\n* Add db config\n\nAssisted-by: claude-code:anthropic/claude-opus-4-5\nAI-Lines: 2/2\nAI-Critical: infra/db.tf${first}\n\n* Docs\n\nSome words about it.\n\nAI-Lines: 1/1\nAI-Critical: docs/readme.md${second}\n\n---------\n\nCo-authored-by: Sam <sam@example.com>\n`;

      function commitSquash(repo: string, message: string): void {
        fs.mkdirSync(path.join(repo, 'infra'), { recursive: true });
        fs.mkdirSync(path.join(repo, 'docs'), { recursive: true });
        fs.writeFileSync(path.join(repo, 'infra/db.tf'), 'a\nb\n');
        fs.writeFileSync(path.join(repo, 'docs/readme.md'), 'c\n');
        git(repo, ['add', '-A']);
        git(repo, ['commit', '-q', '--no-verify', '-F', '-'], message, authorEnv(DEV));
      }

      it('finds the AI lines each squashed commit declared, and the violation of the one without a sign-off', async () => {
        const repo = newRepo();
        const base = git(repo, ['rev-parse', 'HEAD']).trim();
        commitSquash(repo, squash('', '\nAI-Reviewed-by: Jane Doe <jane@example.com>'));
        const r = await check(repo, `${base}..HEAD`, '--format', 'json');
        assert.equal(r.code, 1, r.stdout);
        const doc = JSON.parse(r.stdout) as JsonOut;
        assert.equal(doc.commits[0].source, 'trailers');
        assert.deepEqual(doc.commits[0].files.map((f) => f.path), ['infra/db.tf', 'docs/readme.md']);
        assert.deepEqual(doc.commits[0].findings.map((f) => [f.level, f.files]), [['block', ['infra/db.tf']], ['warn', ['docs/readme.md']]]);
      });

      it('counts the sign-off a squashed commit carried for its own critical files', async () => {
        const repo = newRepo();
        const base = git(repo, ['rev-parse', 'HEAD']).trim();
        commitSquash(repo, squash('\nAI-Reviewed-by: Jane Doe <jane@example.com>', ''));
        const r = await check(repo, `${base}..HEAD`, '--format', 'json');
        assert.equal(r.code, 0, r.stdout);
        assert.deepEqual((JSON.parse(r.stdout) as JsonOut).commits[0].findings.map((f) => f.level), ['warn']);
      });

      it('reads no trailer out of prose that is not in that shape', async () => {
        const repo = newRepo();
        const base = git(repo, ['rev-parse', 'HEAD']).trim();
        commitSquash(repo, 'Explain trailers\n\nA commit may say\nAI-Critical: infra/db.tf\nin its body.\n\nReviewed in person.\n');
        const r = await check(repo, `${base}..HEAD`, '--format', 'json');
        assert.equal(r.code, 0, r.stdout);
        assert.equal((JSON.parse(r.stdout) as JsonOut).commits[0].source, 'none');
      });
    });

    it('keeps paths with spaces, commas and unicode intact from the trailer to the SARIF uri', async () => {
      const repo = newRepo();
      const base = git(repo, ['rev-parse', 'HEAD']).trim();
      const p = 'infra/dir with space/a, b ü.tf';
      aiCommit(repo, { files: { [p]: 'x\n' }, ai: { [p]: [[1, 1]] }, message: 'Odd name', note: false });
      const doc = JSON.parse((await check(repo, `${base}..HEAD`, '--format', 'json')).stdout) as JsonOut;
      assert.deepEqual(doc.commits[0].files.map((f) => f.path), [p]);
      const sarif = JSON.parse((await check(repo, `${base}..HEAD`, '--format', 'sarif')).stdout) as SarifOut;
      assert.ok(validateSarif(sarif), JSON.stringify(validateSarif.errors));
      assert.equal(decodeURIComponent(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri), p);
    });
  });

  describe('config', () => {
    it('judges each commit by the config it was made with', async () => {
      const repo = newRepo(CONFIG.replace('"level": "block"', '"level": "warn"'));
      const base = git(repo, ['rev-parse', 'HEAD']).trim();
      aiCommit(repo, { files: { 'infra/a.tf': 'x\n' }, ai: { 'infra/a.tf': [[1, 1]] }, message: 'Under warn' });
      const r1 = await check(repo, `${base}..HEAD`);
      assert.equal(r1.code, 0);
      fs.writeFileSync(path.join(repo, '.ai-provenance.json'), CONFIG);
      aiCommit(repo, { files: { '.ai-provenance.json': CONFIG, 'infra/b.tf': 'y\n' }, ai: { 'infra/b.tf': [[1, 1]] }, message: 'Under block' });
      const r2 = await check(repo, `${base}..HEAD`, '--format', 'json');
      assert.equal(r2.code, 1);
      const doc = JSON.parse(r2.stdout) as JsonOut;
      assert.deepEqual(doc.commits.map((c) => c.findings.map((f) => f.level)), [['warn'], ['block']]);
    });

    it('fails a commit that empties critical while adding unreviewed AI lines to a block path', async () => {
      const repo = newRepo();
      const base = git(repo, ['rev-parse', 'HEAD']).trim();
      const sha = aiCommit(repo, {
        files: { '.ai-provenance.json': '{ "critical": [] }\n', 'infra/a.tf': 'x\n' },
        ai: { 'infra/a.tf': [[1, 1]] },
        message: 'Relax the policy and change infra',
      });
      const r = await check(repo, `${base}..HEAD`, '--format', 'json');
      assert.equal(r.code, 1);
      const doc = JSON.parse(r.stdout) as JsonOut;
      assert.equal(doc.commits[0].commit, sha);
      assert.deepEqual(doc.commits[0].findings.map((f) => [f.level, f.files]), [['block', ['infra/a.tf']]]);
      assert.match(doc.commits[0].findings[0].message, new RegExp(`critical\\[0\\] of ${base.slice(0, 12)}:\\.ai-provenance\\.json "Production infrastructure"`));
    });

    it('fails AI lines in a block path made after an earlier commit of the range weakened the policy', async () => {
      const repo = newRepo();
      const base = git(repo, ['rev-parse', 'HEAD']).trim();
      aiCommit(repo, { files: { '.ai-provenance.json': CONFIG.replace('"level": "block"', '"level": "warn"') }, message: 'Only warn on infra' });
      const sha = aiCommit(repo, { files: { 'infra/a.tf': 'x\n' }, ai: { 'infra/a.tf': [[1, 1]] }, message: 'Change infra' });
      const r = await check(repo, `${base}..HEAD`, '--format', 'json');
      assert.equal(r.code, 1);
      const doc = JSON.parse(r.stdout) as JsonOut;
      assert.deepEqual(
        doc.commits.map((c) => [c.commit, c.findings.map((f) => f.level)]),
        [
          [doc.commits[0].commit, []],
          [sha, ['block']],
        ],
        'the stricter finding wins: no warning besides the violation',
      );
    });

    it('fails a commit that adds a new block rule and violates it', async () => {
      const repo = newRepo();
      const base = git(repo, ['rev-parse', 'HEAD']).trim();
      const stricter = CONFIG.replace('"critical": [', '"critical": [\n    { "paths": ["billing/"], "reason": "Money", "level": "block" },');
      aiCommit(repo, { files: { '.ai-provenance.json': stricter, 'billing/charge.ts': 'x\n' }, ai: { 'billing/charge.ts': [[1, 1]] }, message: 'Guard billing' });
      const r = await check(repo, `${base}..HEAD`);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /billing\/charge\.ts:1/);
      assert.match(r.stdout, /critical\[0\] "Money"/);
    });

    it('judges AI lines in .ai-provenance.json itself like any other file', async () => {
      const guarded = '{ "critical": [{ "paths": [".ai-provenance.json"], "reason": "Policy", "level": "block", "reviewers": ["jane@example.com"] }] }\n';
      const repo = newRepo(guarded);
      const base = git(repo, ['rev-parse', 'HEAD']).trim();
      aiCommit(repo, { files: { '.ai-provenance.json': '{ "critical": [] }\n' }, ai: { '.ai-provenance.json': [[1, 1]] }, message: 'AI drops the policy' });
      const r = await check(repo, `${base}..HEAD`);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /\.ai-provenance\.json:1/);
      git(repo, ['reset', '-q', '--hard', base]);
      aiCommit(repo, { files: { '.ai-provenance.json': '{ "critical": [] }\n' }, ai: { '.ai-provenance.json': [[1, 1]] }, message: 'Reviewed', reviewedBy: 'Jane Doe <jane@example.com>' });
      assert.equal((await check(repo, `${base}..HEAD`)).code, 0, 'an allowed sign-off lets it through');
    });

    it("uses the working tree's config for commits that have none", async () => {
      const repo = newRepo(null);
      const base = git(repo, ['rev-parse', 'HEAD']).trim();
      aiCommit(repo, { files: { 'infra/a.tf': 'x\n' }, ai: { 'infra/a.tf': [[1, 1]] }, message: 'Before the config' });
      assert.equal((await check(repo, `${base}..HEAD`)).code, 0);
      fs.writeFileSync(path.join(repo, '.ai-provenance.json'), CONFIG);
      assert.equal((await check(repo, `${base}..HEAD`)).code, 1);
    });

    it("reports a commit's broken config as file:line:col and judges it by the working tree's", async () => {
      const repo = newRepo();
      const base = git(repo, ['rev-parse', 'HEAD']).trim();
      const broken = '{\n  "critical": [\n    { "paths": ["infra/**"], "level": "fatal", "reason": "x" }\n  ]\n}\n';
      const sha = aiCommit(repo, { files: { '.ai-provenance.json': broken, 'infra/a.tf': 'x\n' }, ai: { 'infra/a.tf': [[1, 1]] }, message: 'Broken config' });
      fs.writeFileSync(path.join(repo, '.ai-provenance.json'), CONFIG);
      const r = await check(repo, `${base}..HEAD`);
      assert.match(r.stderr, new RegExp(`^${sha.slice(0, 12)}:\\.ai-provenance\\.json:3:\\d+: .*"fatal"`, 'm'));
      assert.equal(r.code, 1);
    });
  });

  describe('range', () => {
    it('checks @{upstream}..HEAD by default', async () => {
      const origin = newRepo();
      const clone = path.join(tmp, 'clone');
      git(tmp, ['clone', '-q', origin, clone]);
      aiCommit(clone, { files: { 'infra/a.tf': 'x\n' }, ai: { 'infra/a.tf': [[1, 1]] }, message: 'Local only' });
      aiCommit(clone, { files: { 'src/b.ts': 'y\n' }, message: 'Human' });
      const r = await check(clone, '--format', 'json');
      const doc = JSON.parse(r.stdout) as JsonOut;
      assert.equal(doc.summary.commits, 2);
      assert.equal(r.code, 1);
    });

    it('checks HEAD alone when the branch has no upstream', async () => {
      const repo = newRepo();
      aiCommit(repo, { files: { 'infra/a.tf': 'x\n' }, ai: { 'infra/a.tf': [[1, 1]] }, message: 'Older violation' });
      aiCommit(repo, { files: { 'src/b.ts': 'y\n' }, message: 'Latest, human' });
      const r = await check(repo);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /check HEAD\^!: 1 commit checked/);
    });

    it('checks merge commits (one without a note adds no violation) and the commits they bring in', async () => {
      const repo = newRepo();
      const base = git(repo, ['rev-parse', 'HEAD']).trim();
      git(repo, ['checkout', '-q', '-b', 'feature']);
      aiCommit(repo, { files: { 'infra/a.tf': 'x\n' }, ai: { 'infra/a.tf': [[1, 1]] }, message: 'Feature' });
      git(repo, ['checkout', '-q', 'main']);
      aiCommit(repo, { files: { 'src/m.ts': 'm\n' }, message: 'Main' });
      git(repo, ['merge', '-q', '--no-ff', '--no-edit', 'feature']);
      const doc = JSON.parse((await check(repo, `${base}..HEAD`, '--format', 'json')).stdout) as JsonOut;
      assert.equal(doc.summary.commits, 3);
      assert.equal(doc.summary.violations, 1);
    });

    it('passes with nothing to check in a repository without commits', async () => {
      const repo = path.join(tmp, 'empty');
      fs.mkdirSync(repo);
      git(repo, ['init', '-q']);
      const r = await check(repo);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /0 commits checked/);
    });
  });

  describe('--format markdown', () => {
    const HOSTILE = '<img src=x onerror=alert(1)> [click](https://evil.example) | # not a heading';
    const hostileConfig = JSON.stringify({
      critical: [
        { paths: ['infra/**'], reason: `Prod ${HOSTILE}\n## injected`, level: 'block', reviewers: ['jane@example.com'] },
        { paths: ['docs/'], reason: 'Public documentation', level: 'warn' },
      ],
    });

    /** The text of each cell of each rendered table row (GitHub-flavoured Markdown, as the PR comment is shown). */
    function rows(html: string): string[][] {
      const decode = (t: string): string => t.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
      return [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => decode(c[1]!)));
    }

    it('shows the AI share per agent and model, the critical files with rule, reason and reviewers, and each violation with its fix', async () => {
      const { marked } = require('marked') as typeof import('marked');
      const repo = newRepo(hostileConfig);
      const base = git(repo, ['rev-parse', 'HEAD']).trim();
      const odd = `infra/a|b <i>.tf`;
      aiCommit(repo, { files: { [odd]: 'a\nb\nc\n', 'src/human.ts': '1\n2\n3\n4\n5\n' }, ai: { [odd]: [[1, 2]] }, message: `Infra ${HOSTILE}` });
      const r = await check(repo, `${base}..HEAD`, '--format', 'markdown');
      assert.equal(r.code, 1);
      const html = marked.parse(r.stdout, { async: false });
      assert.doesNotMatch(html, /<img|<a |<i>|<h[1-6][^>]*>[^<]*(injected|not a heading)/, html);
      assert.match(html, /<h2[^>]*>AI Provenance: ❌ 1 violation<\/h2>/);
      const table = rows(html);
      assert.deepEqual(table.slice(0, 3), [
        ['Agent', 'Model', 'AI lines', 'Share of added lines'],
        ['claude-code', 'anthropic/claude-opus-4-5', '2', '25.0 %'],
        ['All AI', '', '2 of 8', '25.0 %'],
      ]);
      assert.deepEqual(table.slice(3), [
        ['File', 'AI lines', 'Rule', 'Level', 'Reason', 'Allowed reviewers'],
        [odd, '1–2', '#1 infra/**', 'block', `Prod ${HOSTILE} ## injected`, 'jane@example.com'],
      ]);
      const violation = /<h3[^>]*>Violations<\/h3>\s*<ol>\s*<li>([\s\S]*?)<\/li>\s*<\/ol>/.exec(html);
      assert.ok(violation, html);
      assert.match(violation[1]!, /needs a sign-off by jane@example\.com/);
      assert.match(violation[1]!, /<strong>Fix:<\/strong> ask jane@example\.com to review, then add &quot;AI-Reviewed-by: Reviewer Name &lt;jane@example\.com&gt;&quot;/);
      assert.match(violation[1]!, /<code>git rebase -i [0-9a-f]{12}\^<\/code>/);
    });

    it('says there are no AI lines and no critical files for a human-only change', async () => {
      const repo = newRepo();
      const base = git(repo, ['rev-parse', 'HEAD']).trim();
      aiCommit(repo, { files: { 'infra/main.tf': 'by hand\n' }, message: 'By hand' });
      const r = await check(repo, `${base}..HEAD`, '--format', 'markdown');
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^## AI Provenance: ✅ no violations$/m);
      assert.match(r.stdout, /^No AI lines in this change\.$/m);
      assert.match(r.stdout, /### Critical files AI lines touch\n\nNone\.$/m);
    });
  });

  describe('bad input', () => {
    it('exits 2 with one line for an unknown revision', async () => {
      const repo = newRepo();
      const r = await check(repo, 'nope..HEAD');
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^ai-provenance check: nope\.\.HEAD: not a valid revision range \(.+\)\n$/);
    });

    it('exits 2 for an unknown format or option', async () => {
      const repo = newRepo();
      const f = await check(repo, '--format', 'xml');
      assert.equal(f.code, 2);
      assert.equal(f.stderr, "ai-provenance check: unknown format 'xml': expected text, json, sarif or markdown\n");
      assert.equal((await check(repo, '--bogus')).code, 2);
    });

    it('exits 2 outside a git repository', async () => {
      const dir = path.join(tmp, 'nogit');
      fs.mkdirSync(dir);
      const r = await check(dir);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, `ai-provenance check: ${dir}: not inside a git working tree\n`);
    });
  });
});

describe('parsePathList', () => {
  it('reads plain and git-quoted paths', () => {
    assert.deepEqual(parsePathList('a.ts, infra/main.tf'), ['a.ts', 'infra/main.tf']);
    assert.deepEqual(parsePathList('"a, b.ts", "q\\"uote", "tab\\there", "\\303\\274.ts"'), ['a, b.ts', 'q"uote', 'tab\there', 'ü.ts']);
    assert.deepEqual(parsePathList(''), []);
  });
});
