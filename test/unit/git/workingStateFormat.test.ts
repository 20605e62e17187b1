// The entry files on disk stay as earlier versions wrote them (test/fixtures/working-state): a clone's pending AI
// lines survive an upgrade, and hooks installed by an earlier version swap in entries the current CLI precomputed.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LineProvenance } from '../../../src/core/model';
import { discoverRepo } from '../../../src/git/repo';
import { WorkingState } from '../../../src/git/workingState';
import { CLAUDE, cleanupTemp, COPILOT, initRepo } from './helpers';
import { fromLines } from '../../../src/core/lineRuns';
import { perLine } from './helpers';

const FIXTURES = path.resolve(__dirname, '../../fixtures/working-state');
const REPO_PATH = 'src/naïve path/a b.ts';
const FILE_NAME = '745561c911770a5f2c5c37d5e1b5ae679521f4c4.json';

/** The provenance the fixture records, line by line (1-based ranges as its README says). */
function recorded(lineCount: number): LineProvenance[] {
  const out: LineProvenance[] = Array.from({ length: lineCount }, () => ({ kind: 'human' as const }));
  for (const n of [2, 3, 4]) out[n - 1] = { kind: 'ai', attribution: CLAUDE };
  out[4] = { kind: 'mixed', attribution: CLAUDE };
  for (const n of [8, 9]) out[n - 1] = { kind: 'ai', attribution: COPILOT };
  return out;
}

describe('working-state entry files on disk', () => {
  after(cleanupTemp);
  const text = readFileSync(path.join(FIXTURES, 'source.ts.txt'), 'utf8');
  const fixture = readFileSync(path.join(FIXTURES, 'entry.json'));

  it('are written byte for byte as an earlier version wrote them, under the same name', async () => {
    const state = WorkingState.forRepo(await discoverRepo(initRepo()));
    await state.write(REPO_PATH, text, fromLines(recorded(text.split('\n').length)));
    assert.equal(state.entryFile(REPO_PATH), path.join(state.entriesDir(), FILE_NAME));
    assert.deepEqual(readFileSync(state.entryFile(REPO_PATH)), fixture);
    assert.equal(state.entryText(REPO_PATH, text, fromLines(recorded(text.split('\n').length))), fixture.toString('utf8'));
  });

  it('written by an earlier version read back as the lines it recorded, on its text and on an edited one', async () => {
    const state = WorkingState.forRepo(await discoverRepo(initRepo()));
    mkdirSync(state.entriesDir(), { recursive: true });
    writeFileSync(path.join(state.entriesDir(), FILE_NAME), fixture);
    assert.deepEqual(await state.paths(), [REPO_PATH]);
    assert.deepEqual(perLine(await state.read(REPO_PATH, text)), recorded(text.split('\n').length));
    const above = `// a person's line\n${text}`;
    assert.deepEqual(perLine(await state.read(REPO_PATH, above)), [{ kind: 'human' }, ...recorded(text.split('\n').length)]);
  });
});
