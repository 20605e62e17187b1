// scripts/layers.mjs, the import check `npm test` runs first: on a planted tree, and on this project's own src/.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(__dirname, '../../..');

interface Layers {
  layerViolations(root: string): string[];
  unusedExports(root: string): string[];
}

describe('layers check', () => {
  let layers: Layers;
  let dir: string;
  before(async () => {
    layers = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'layers.mjs')).href)) as Layers;
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ai-provenance-layers-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function plant(files: Record<string, string>): void {
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      writeFileSync(path.join(dir, f), text);
    }
  }

  it('names file, line and import of each import against the layering', () => {
    plant({
      'src/core/a.ts': "import type { Repo } from '../git/repo';\nimport { readFileSync } from 'node:fs';\nexport const a = 1;\n",
      'src/git/repo.ts': "import { a } from '../core/a';\nexport const b = () => require('../agents/x');\n",
      'src/agents/x.ts': "import * as vscode from 'vscode';\n",
      'src/extension/e.ts': "import { main } from '../cli/main';\nimport * as vscode from 'vscode';\nimport { b } from '../git/repo';\n",
      'src/cli/main.ts': "export { a } from '../core/a';\nimport('../extension/e');\n",
    });
    assert.deepEqual(layers.layerViolations(dir), [
      "src/agents/x.ts:1: imports 'vscode' (only src/extension may import 'vscode')",
      "src/cli/main.ts:2: imports '../extension/e' (src/cli may not import src/extension)",
      "src/core/a.ts:1: imports '../git/repo' (src/core may not import src/git)",
      "src/core/a.ts:2: imports 'node:fs' (src/core does no I/O)",
      "src/extension/e.ts:1: imports '../cli/main' (src/extension may not import src/cli)",
      "src/git/repo.ts:2: imports '../agents/x' (src/git may not import src/agents)",
    ]);
  });

  it('lists exports nothing imports, counting namespace imports and require() as using everything', () => {
    plant({
      'src/core/a.ts': 'export const used = 1;\nexport function unused(): void {}\nexport interface Shape { x: number }\n',
      'src/core/b.ts': 'export const viaStar = 1;\n',
      'src/git/c.ts': "import { used } from '../core/a';\nimport * as B from '../core/b';\nexport const c = used + B.viaStar;\n",
      'test/c.test.ts': "import { c } from '../src/git/c';\n",
    });
    assert.deepEqual(layers.unusedExports(dir), ['src/core/a.ts: unused']);
  });

  it('finds no import against the layering in this project', () => {
    assert.deepEqual(layers.layerViolations(ROOT), []);
  });
});
