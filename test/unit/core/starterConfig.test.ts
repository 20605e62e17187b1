import * as assert from 'node:assert/strict';
import { DEFAULT_CONFIG, parseConfig } from '../../../src/core/config';
import { STARTER_CONFIG } from '../../../src/core/starterConfig';

describe('the starter .ai-provenance.json', () => {
  it('is a valid config with comments that changes nothing from the defaults', () => {
    const { config, problems } = parseConfig(STARTER_CONFIG);
    assert.deepEqual(problems, []);
    assert.deepEqual(config, DEFAULT_CONFIG);
    assert.match(STARTER_CONFIG, /^\/\/ /);
  });

  it('holds example rules that are valid once uncommented', () => {
    const uncommented = STARTER_CONFIG.replace(/^(\s*)\/\/ (\{ "paths")/gm, '$1$2');
    const { config, problems } = parseConfig(uncommented);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      config?.critical.map((r) => [r.paths, r.level]),
      [
        [['infra/**', '**/*.tf'], 'block'],
        [['billing/'], 'warn'],
      ],
    );
  });
});
