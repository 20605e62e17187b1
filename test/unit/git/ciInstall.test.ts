// `ai-provenance ci install github|gitlab`: the workflow files, read back as YAML the way the platforms read them.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { load } from 'js-yaml';
import { cleanupTemp, initRepo, write } from './helpers';
import { cliBundle } from './hookEnv';
import { cli } from './prScenario';

const VERSION = (JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version;

type Yaml = Record<string, any>;

describe('ai-provenance ci install', function () {
  before(() => cliBundle());
  after(cleanupTemp);

  it('github: carrying runs never in a concurrency group, report runs in one per pull request; this exact version with write access to the notes', () => {
    const dir = initRepo();
    const r = cli(path.join(dir), ['ci', 'install', 'github']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'wrote .github/workflows/ai-provenance.yml\n');
    const text = readFileSync(path.join(dir, '.github/workflows/ai-provenance.yml'), 'utf8');
    const wf = load(text) as Yaml;
    assert.deepEqual(wf.on, { pull_request: { types: ['opened', 'reopened', 'synchronize', 'closed'] }, pull_request_review: { types: ['submitted', 'dismissed'] } });
    assert.deepEqual(wf.permissions, { contents: 'write', 'pull-requests': 'write' });
    // GitHub cancels a pending run of a group when a newer one queues: a group would drop a run that carries notes.
    assert.equal(wf.concurrency, undefined, 'no workflow-wide group');
    assert.equal(wf.jobs.notes.concurrency, undefined, 'the carrying job is never in a group');
    assert.equal(wf.jobs.notes.if, "github.event_name == 'pull_request' && (github.event.action == 'synchronize' || github.event.pull_request.merged == true)");
    assert.deepEqual(wf.jobs.report.concurrency, { group: 'ai-provenance-report-${{ github.event.pull_request.number }}', 'cancel-in-progress': true });
    assert.doesNotMatch(wf.jobs.report.if, /synchronize|merged/, 'no carrying event reaches the cancellable job');
    for (const job of [wf.jobs.notes, wf.jobs.report] as Yaml[]) {
      const steps = job.steps as Yaml[];
      assert.equal(steps[0]!.uses, 'actions/checkout@v4');
      assert.equal(steps[0]!.with['fetch-depth'], 0);
      const run = steps.find((s) => s.run)!;
      assert.equal(run.run, `npx --yes ai-provenance@${VERSION} ci`);
      assert.equal(run.env.GITHUB_TOKEN, '${{ github.token }}');
    }
    assert.doesNotMatch(text, /curl|wget|\| *(ba)?sh/);
  });

  it('gitlab: a carrying job for push pipelines on the default branch, one at a time, and a report job for merge request pipelines', () => {
    const dir = initRepo();
    const r = cli(dir, ['ci', 'install', 'gitlab']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^wrote \.gitlab\/ai-provenance\.yml\ninclude it from \.gitlab-ci\.yml:\n {2}include:\n {4}- local: \.gitlab\/ai-provenance\.yml\n/);
    const job = (load(readFileSync(path.join(dir, '.gitlab/ai-provenance.yml'), 'utf8')) as Yaml)['ai-provenance-notes'] as Yaml;
    // `when: always`: a failed test job earlier in the pipeline must not leave the merged squash without notes.
    assert.deepEqual(job.rules, [{ if: '$CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH', when: 'always' }]);
    assert.equal(job.resource_group, 'ai-provenance-notes');
    assert.equal(job.interruptible, false);
    assert.equal(job.variables.GIT_DEPTH, '0');
    assert.equal(job.script[job.script.length - 1], `npx --yes ai-provenance@${VERSION} ci`);
    const report = (load(readFileSync(path.join(dir, '.gitlab/ai-provenance.yml'), 'utf8')) as Yaml)['ai-provenance-report'] as Yaml;
    assert.deepEqual(report.rules, [{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"', when: 'always' }]);
    assert.equal(report.resource_group, undefined, 'a report waits for no carrying run');
    assert.equal(report.interruptible, true);
    assert.equal(report.script[report.script.length - 1], `npx --yes ai-provenance@${VERSION} ci --no-push`);
  });

  it('keeps an existing file unless --force, and says so in one line', () => {
    const dir = initRepo();
    write(dir, '.github/workflows/ai-provenance.yml', 'name: mine\n');
    const r = cli(dir, ['ci', 'install', 'github']);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'ai-provenance ci install: .github/workflows/ai-provenance.yml already exists; left as it is (--force replaces it)\n');
    assert.equal(readFileSync(path.join(dir, '.github/workflows/ai-provenance.yml'), 'utf8'), 'name: mine\n');
    const f = cli(dir, ['ci', 'install', 'github', '--force']);
    assert.equal(f.status, 0, f.stderr);
    assert.match(readFileSync(path.join(dir, '.github/workflows/ai-provenance.yml'), 'utf8'), /npx --yes ai-provenance@/);
  });

  it('writes at the top of the repository from a subfolder, and refuses an unknown platform', () => {
    const dir = initRepo();
    write(dir, 'src/x.ts', 'x\n');
    assert.equal(cli(path.join(dir, 'src'), ['ci', 'install', 'github']).status, 0);
    assert.ok(existsSync(path.join(dir, '.github/workflows/ai-provenance.yml')));
    const r = cli(dir, ['ci', 'install', 'jenkins']);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, "ai-provenance ci install: name the platform, github or gitlab (not 'jenkins')\n");
  });
});
