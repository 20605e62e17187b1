import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE as CORE_CONFIG_FILE, DEFAULT_CONFIG } from '../../../src/core/config';
import { discoverRepo } from '../../../src/git/repo';
import { CONFIG_FILE, loadTeamConfig, NO_CONFIG } from '../../../src/git/teamConfig';
import { WorkingState } from '../../../src/git/workingState';
import { aiLines, cleanupTemp, initRepo, lines, sh, write } from './helpers';
import { cliBundle, installHooks, hookedEnv } from './hookEnv';
import { fromLines } from '../../../src/core/lineRuns';

const BLOCK = JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'Production infrastructure', level: 'block', reviewers: ['jane@example.com'] }] }, null, 2);
// Trailing commas are allowed in the file; a comma where a property must start is not.
const STRAY_COMMA = BLOCK.replace('{\n', '{,\n');

function committed(config: string): string {
  const dir = initRepo();
  write(dir, '.ai-provenance.json', config);
  sh(dir, 'git', 'add', '.');
  sh(dir, 'git', 'commit', '-qm', 'config');
  return dir;
}

describe('team config for the git side', () => {
  after(cleanupTemp);

  it('uses exactly the core defaults when the repository has no config file', async () => {
    assert.equal(CONFIG_FILE, CORE_CONFIG_FILE);
    assert.deepEqual(NO_CONFIG.config, DEFAULT_CONFIG);
    const lines: string[] = [];
    const c = await loadTeamConfig(await discoverRepo(initRepo()), (l) => lines.push(l));
    assert.equal(c, NO_CONFIG);
    assert.deepEqual(lines, []);
  });

  it('reports a broken file in one line with its position and falls back to the defaults when nothing is committed', async () => {
    const dir = initRepo();
    write(dir, '.ai-provenance.json', '{\n  "critical": 3\n}\n');
    const lines: string[] = [];
    const c = await loadTeamConfig(await discoverRepo(dir), (l) => lines.push(l));
    assert.equal(c.isCritical('x'), false);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^\.ai-provenance\.json:2:\d+: .*critical.*; critical-path rules are not applied until it is fixed$/);
  });

  it('compiles a valid file', async () => {
    const dir = initRepo();
    write(dir, '.ai-provenance.json', JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'r', level: 'block' }], ignore: ['dist/**'] }));
    const c = await loadTeamConfig(await discoverRepo(dir), () => assert.fail('no problem expected'));
    assert.equal(c.isCritical('infra/a.tf'), true);
    assert.equal(c.isIgnored('dist/x.js'), true);
  });

  describe('when the working-tree file is broken', () => {
    it('keeps the config committed in HEAD in force and says so in one line', async () => {
      const dir = committed(BLOCK);
      write(dir, '.ai-provenance.json', STRAY_COMMA);
      const lines: string[] = [];
      const c = await loadTeamConfig(await discoverRepo(dir), (l) => lines.push(l));
      assert.equal(c.ruleFor('infra/main.tf')?.rule.level, 'block');
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /^\.ai-provenance\.json:1:2: .*; the config committed in HEAD applies until it is fixed$/);
    });

    it('applies a valid edit of the file, even one that relaxes the rules', async () => {
      const dir = committed(BLOCK);
      write(dir, '.ai-provenance.json', '{ "critical": [] }');
      const c = await loadTeamConfig(await discoverRepo(dir), () => assert.fail('no problem expected'));
      assert.equal(c.isCritical('infra/main.tf'), false);
    });

    it('falls back to the defaults when HEAD\'s config is broken too', async () => {
      const dir = committed('{ "critical": 3 }');
      write(dir, '.ai-provenance.json', STRAY_COMMA);
      const lines: string[] = [];
      const c = await loadTeamConfig(await discoverRepo(dir), (l) => lines.push(l));
      assert.equal(c, NO_CONFIG);
      assert.equal(lines.length, 1, 'only the working-tree problem is reported');
      assert.match(lines[0]!, /^\.ai-provenance\.json:1:2: .*not applied until it is fixed$/);
    });

    it('keeps HEAD\'s config in force when the file cannot be read', async () => {
      const dir = committed(BLOCK);
      // A directory in its place fails to read for every user, root included.
      rmSync(path.join(dir, '.ai-provenance.json'));
      mkdirSync(path.join(dir, '.ai-provenance.json'));
      const lines: string[] = [];
      const c = await loadTeamConfig(await discoverRepo(dir), (l) => lines.push(l));
      assert.equal(c.ruleFor('infra/main.tf')?.rule.level, 'block');
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /\.ai-provenance\.json: cannot read \(EISDIR\); the config committed in HEAD applies until it is fixed$/);
    });
  });

  describe('in the git hooks', function () {
    before(() => cliBundle());

    const env = hookedEnv;

    it('still refuses an unreviewed AI commit to a block path with a stray comma in the unstaged config, printing the error once', async () => {
      const dir = committed(BLOCK);
      installHooks(path.join(dir, '.git', 'hooks'));
      write(dir, '.ai-provenance.json', STRAY_COMMA);
      const text = lines(3);
      write(dir, 'infra/main.tf', text);
      await WorkingState.forRepo(await discoverRepo(dir)).write('infra/main.tf', text, fromLines(aiLines(3, [[1, 2]])));
      sh(dir, 'git', 'add', 'infra/main.tf');
      const head = sh(dir, 'git', 'rev-parse', 'HEAD');
      const r = spawnSync('git', ['commit', '-m', 'Change infra'], { cwd: dir, env: env(), encoding: 'utf8' });
      assert.notEqual(r.status, 0, r.stderr);
      assert.match(r.stderr, /commit refused/);
      assert.equal(sh(dir, 'git', 'rev-parse', 'HEAD'), head, 'no commit was made');
      const configLines = r.stderr.split('\n').filter((l) => l.startsWith('.ai-provenance.json:'));
      assert.equal(configLines.length, 1, r.stderr);
      assert.match(configLines[0]!, /^\.ai-provenance\.json:1:2: /);

      const again = spawnSync('git', ['commit', '-m', 'Change infra', '-m', 'AI-Reviewed-by: Jane <jane@example.com>'], { cwd: dir, env: env(), encoding: 'utf8' });
      assert.equal(again.status, 0, again.stderr);
      assert.equal(again.stderr.split('\n').filter((l) => l.startsWith('.ai-provenance.json:')).length, 1, 'reported again, once, for the next commit');
      assert.match(execFileSync('git', ['log', '-1', '--format=%B'], { cwd: dir, encoding: 'utf8' }), /^AI-Critical: infra\/main\.tf$/m);
    });
  });
});
