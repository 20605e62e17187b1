import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { discoverRepo } from '../../../src/git/repo';
import { WorkingState } from '../../../src/git/workingState';
import { cleanup, makeRepo, readFile, ROOT } from './helpers';
import { perLine } from '../git/helpers';

const WORKERS = 4;
const EDITS = 250;

function worker(repo: string, w: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    // Four real processes, each running the hook command in-process for its edits (a process per edit would take minutes).
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, 'concurrencyWorker.ts'), repo, String(w), String(EDITS)], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', resolve);
  });
}

describe('agent hooks under concurrency', function () {
  this.timeout(240_000);
  let repo: string;
  beforeEach(() => {
    const files: Record<string, string> = {};
    for (let w = 0; w < WORKERS; w++) files[`w${w}.txt`] = `// end ${w}\n`;
    repo = makeRepo(files);
  });
  afterEach(() => cleanup(repo));

  it(`records all ${WORKERS * EDITS} edits of ${WORKERS} agent processes writing at the same time, and the state stays readable`, async () => {
    const codes = await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(repo, w)));
    assert.deepEqual(codes, new Array(WORKERS).fill(0));
    const state = WorkingState.forRepo(await discoverRepo(repo));
    let recorded = 0;
    for (let w = 0; w < WORKERS; w++) {
      const report = JSON.parse(readFileSync(path.join(repo, `w${w}.done`), 'utf8'));
      assert.equal(report.stdout, '', 'nothing on stdout');
      assert.equal(report.stderr, '', 'nothing skipped');
      const text = readFile(repo, `w${w}.txt`);
      const lines = (perLine(await state.read(`w${w}.txt`, text)))!;
      assert.equal(lines.length, EDITS + 2);
      for (let i = 0; i < EDITS; i++) {
        assert.equal(lines[i]!.kind, 'ai', `w${w}.txt line ${i + 1}`);
        assert.equal(lines[i]!.attribution?.session, `session-${w}`);
        recorded++;
      }
      assert.deepEqual([lines[EDITS]!.kind, lines[EDITS + 1]!.kind], ['human', 'human']);
    }
    assert.equal(recorded, WORKERS * EDITS);
    assert.deepEqual((await state.paths()).sort(), Array.from({ length: WORKERS }, (_, w) => `w${w}.txt`));
  });
});
