// The CLI as an npm package, the way a project takes it: `npm pack` of this checkout, installed into an empty project
// without the registry, then `npx ai-provenance` there: --help, install, a commit with AI lines through the installed
// hooks, and `check`. The bundles carry their dependencies, so nothing but the package itself gets installed.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { builtDist, REPO_ROOT } from '../cliBuild';
import { cleanupTemp, GIT_ENV, sh, tempDir, write } from '../git/helpers';

/** What the tarball holds: the launcher, its bundles, and what npm always adds. */
const PACKED = ['LICENSE', 'README.md', 'dist/cli-git-hook.js', 'dist/cli-hook.js', 'dist/cli-main.js', 'dist/cli.js', 'package.json'];

const CONFIG = '{ "critical": [ { "paths": ["infra/**"], "reason": "Production infrastructure", "level": "block" } ] }\n';

// npm never goes to the registry here; its own notices stay quiet; the hooks run the CLI they were installed with.
const ENV: NodeJS.ProcessEnv = { ...GIT_ENV, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
delete ENV['AI_PROVENANCE_CLI'];
delete ENV['AI_PROVENANCE_NODE'];

function run(cwd: string, cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, env: ENV, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(cwd: string, cmd: string, args: string[]): string {
  const r = run(cwd, cmd, args);
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('the npm package of the CLI', () => {
  let tarball: string;
  let project: string;

  before(() => {
    builtDist();
    const out = tempDir('aip-pack-');
    // --ignore-scripts: `prepare` would bundle again; dist/ is this run's build.
    const packed = JSON.parse(ok(REPO_ROOT, 'npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out])) as { filename: string; files: { path: string }[] }[];
    assert.deepEqual(packed[0]!.files.map((f) => f.path).sort(), PACKED);
    tarball = path.join(out, packed[0]!.filename);

    project = realpathSync(tempDir('aip-project-'));
    write(project, 'package.json', JSON.stringify({ name: 'some-project', version: '1.0.0', private: true }, null, 2) + '\n');
    ok(project, 'npm', ['install', '--save-dev', tarball]);
    sh(project, 'git', 'init', '-q', '-b', 'main');
    write(project, '.gitignore', 'node_modules/\n');
    write(project, '.ai-provenance.json', CONFIG);
    sh(project, 'git', 'add', '-A');
    sh(project, 'git', 'commit', '-qm', 'base');
  });
  after(cleanupTemp);

  it('installs with nothing but itself: no dependency comes along', () => {
    assert.deepEqual(readdirSync(path.join(project, 'node_modules')).filter((n) => !n.startsWith('.')), ['ai-provenance']);
    const manifest = JSON.parse(readFileSync(path.join(project, 'node_modules', 'ai-provenance', 'package.json'), 'utf8'));
    assert.deepEqual(manifest.dependencies ?? {}, {});
  });

  it('runs `npx ai-provenance --help`', () => {
    assert.match(ok(project, 'npx', ['ai-provenance', '--help']), /^Usage: ai-provenance <command>/);
  });

  it('installs its git hooks, which add trailers and a note to a commit with AI lines, and `check` passes it', () => {
    ok(project, 'npx', ['ai-provenance', 'install']);
    const hook = readFileSync(path.join(project, '.git', 'ai-provenance', 'hooks', 'prepare-commit-msg'), 'utf8');
    assert.ok(hook.includes(`ap_cli='${path.join(project, 'node_modules', 'ai-provenance', 'dist', 'cli.js')}'`), hook);
    write(project, 'src/app.js', 'const a = 1;\nconst b = 2;\nconst c = 3;\n');
    ok(project, 'npx', ['ai-provenance', 'record', '--agent', 'claude-code', '--model', 'anthropic/claude-opus-4-5', 'src/app.js:2-3']);
    sh(project, 'git', 'add', 'src/app.js');
    ok(project, 'git', ['commit', '-qm', 'Add app']);
    const msg = sh(project, 'git', 'log', '-1', '--format=%B');
    assert.match(msg, /^Assisted-by: claude-code:anthropic\/claude-opus-4-5$/m);
    assert.match(msg, /^AI-Lines: 2\/3$/m);
    assert.match(sh(project, 'git', 'notes', '--ref=ai-provenance', 'show', 'HEAD'), /"claude-code"/);
    const check = run(project, 'npx', ['ai-provenance', 'check', 'HEAD~1..HEAD']);
    assert.equal(check.status, 0, check.stdout + check.stderr);
  });

  it('refuses unreviewed AI lines in a block path at commit, and `check` fails a commit that skipped the hook', () => {
    write(project, 'infra/main.tf', 'resource "x" "y" {}\n');
    ok(project, 'npx', ['ai-provenance', 'record', '--agent', 'codex', 'infra/main.tf:1-1']);
    sh(project, 'git', 'add', 'infra/main.tf');
    const refused = run(project, 'git', ['commit', '-qm', 'Infra']);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /infra\/main\.tf/);
    ok(project, 'git', ['commit', '-qm', 'Infra', '--no-verify']);
    const check = run(project, 'npx', ['ai-provenance', 'check', 'HEAD~1..HEAD']);
    assert.equal(check.status, 1, check.stdout + check.stderr);
    assert.match(check.stdout + check.stderr, /infra\/main\.tf/);
  });
});
