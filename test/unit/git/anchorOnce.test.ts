// A commit anchors each working-state entry to the committed text once. Each anchoring of an entry onto a text starts
// by taking that text's SHA-1 (equal to the entry's means nothing to carry), so the hooks' Node processes are started
// with a preloaded script that logs every SHA-1 they compute: a count read from outside the real hooks of a real
// `git commit`, since what a hook process calls inside cannot be seen otherwise.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fromLines } from '../../../src/core/lineRuns';
import { discoverRepo } from '../../../src/git/repo';
import { WorkingState } from '../../../src/git/workingState';
import { aiLines, CLAUDE, cleanupTemp, initRepo, sh, tempDir, write } from './helpers';
import { cliBundle, hookedEnv, installHooks } from './hookEnv';

/** A `node` for the hooks that logs the hex digest of every SHA-1 the process computes, a line each. */
function digestLoggingNode(): { node: string; log: string } {
  const dir = tempDir('aip-digests-');
  const log = path.join(dir, 'digests.log');
  const spy = path.join(dir, 'spy.cjs');
  writeFileSync(
    spy,
    `const crypto = require('node:crypto');
const fs = require('node:fs');
const createHash = crypto.createHash;
crypto.createHash = function (algorithm, ...rest) {
  const hash = createHash.call(this, algorithm, ...rest);
  if (String(algorithm).toLowerCase() !== 'sha1') return hash;
  const digest = hash.digest;
  hash.digest = function (...args) {
    const out = digest.apply(this, args);
    fs.appendFileSync(${JSON.stringify(log)}, (Buffer.isBuffer(out) ? out.toString('hex') : Buffer.from(out, args[0] || 'latin1').toString('hex')) + '\\n');
    return out;
  };
  return hash;
};
`,
  );
  const node = path.join(dir, 'node');
  writeFileSync(node, `#!/bin/sh\nexec '${process.execPath}' --require '${spy}' "$@"\n`);
  chmodSync(node, 0o755);
  writeFileSync(log, '');
  return { node, log };
}

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

describe('one anchoring per commit', function () {
  this.timeout(120_000);
  before(() => cliBundle());
  after(cleanupTemp);

  it('anchors an entry recorded for another text to the committed text once, in prepare-commit-msg', async () => {
    const dir = initRepo();
    write(dir, 'README.md', 'readme\n');
    sh(dir, 'git', 'add', '-A');
    sh(dir, 'git', 'commit', '-q', '-m', 'init');
    installHooks(path.join(dir, '.git', 'hooks'));
    // The file as saved and staged; the entry describes the editor's text, one unsaved AI line further (the extension
    // records what the editor holds), so it must be carried onto the committed text.
    const saved = 'export function total(items: number[]): number {\n  return items.reduce((a, b) => a + b, 0);\n}\n';
    const editor = `// Sums the items.\n${saved}`;
    write(dir, 'src/total.ts', saved);
    sh(dir, 'git', 'add', 'src/total.ts');
    await WorkingState.forRepo(await discoverRepo(dir)).write('src/total.ts', editor, fromLines(aiLines(5, [[1, 4]], CLAUDE)));

    const { node, log } = digestLoggingNode();
    const r = spawnSync('git', ['commit', '-q', '-m', 'total'], { cwd: dir, env: { ...hookedEnv(), AI_PROVENANCE_NODE: node }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);

    const note = JSON.parse(sh(dir, 'git', 'notes', '--ref=refs/notes/ai-provenance', 'show', 'HEAD')) as { files: { path: string }[] };
    assert.deepEqual(
      note.files.map((f) => f.path),
      ['src/total.ts'],
      'the AI lines were carried onto the committed text',
    );
    const digests = readFileSync(log, 'utf8').split('\n');
    assert.equal(digests.filter((d) => d === sha1(editor)).length, 0, 'the editor text is never read');
    assert.equal(digests.filter((d) => d === sha1(saved)).length, 1, 'the committed text is looked at once: one anchoring of its entry');
  });
});
