import { strict as assert } from 'node:assert';
import { CONFIG_FILE as CORE_CONFIG_FILE, DEFAULT_CONFIG } from '../../../src/core/config';
import { discoverRepo } from '../../../src/git/repo';
import { CONFIG_FILE, loadTeamConfig, NO_CONFIG } from '../../../src/git/teamConfig';
import { cleanupTemp, initRepo, write } from './helpers';

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

  it('reports a broken file in one line with its position and falls back to the defaults', async () => {
    const dir = initRepo();
    write(dir, '.ai-provenance.json', '{\n  "critical": 3\n}\n');
    const lines: string[] = [];
    const c = await loadTeamConfig(await discoverRepo(dir), (l) => lines.push(l));
    assert.equal(c.isCritical('x'), false);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^\.ai-provenance\.json:2:\d+: .*critical/);
  });

  it('compiles a valid file', async () => {
    const dir = initRepo();
    write(dir, '.ai-provenance.json', JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'r', level: 'block' }], ignore: ['dist/**'] }));
    const c = await loadTeamConfig(await discoverRepo(dir), () => assert.fail('no problem expected'));
    assert.equal(c.isCritical('infra/a.tf'), true);
    assert.equal(c.isIgnored('dist/x.js'), true);
  });
});
