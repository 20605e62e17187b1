import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { discoverRepo, type Repo } from '../../../src/git/repo';
import { CorruptStateError, WorkingState } from '../../../src/git/workingState';
import { aiLineNumbers, aiLines, CLAUDE, cleanupTemp, COPILOT, initRepo, lines, sh } from './helpers';
import { fromLines, toLines } from '../../../src/core/lineRuns';
import { perLine } from './helpers';

describe('working state', () => {
  let repo: Repo;
  let state: WorkingState;
  beforeEach(async () => {
    repo = await discoverRepo(initRepo());
    state = WorkingState.forRepo(repo);
  });
  after(cleanupTemp);

  it('returns undefined for a file nothing was recorded for', async () => {
    assert.equal(perLine(await state.read('a.ts', 'x\n')), undefined);
    assert.deepEqual(await state.paths(), []);
  });

  it('reads back what was written for the same text', async () => {
    const text = lines(5);
    await state.write('src/a.ts', text, fromLines(aiLines(6, [[2, 3]])));
    const back = perLine(await state.read('src/a.ts', text));
    assert.deepEqual(aiLineNumbers(back), [2, 3]);
    assert.deepEqual(back?.[1], { kind: 'ai', attribution: CLAUDE });
    assert.deepEqual(await state.paths(), ['src/a.ts']);
  });

  it('keeps AI lines on their text when lines are inserted above them outside the recorder', async () => {
    const text = lines(5);
    await state.write('a.ts', text, fromLines(aiLines(6, [[4, 5]])));
    const edited = 'new top\nanother\n' + text;
    assert.deepEqual(aiLineNumbers(perLine(await state.read('a.ts', edited))), [6, 7]);
  });

  it('drops AI lines that were deleted outside the recorder and marks edited ones mixed', async () => {
    const text = 'a\nconst total = sum(items);\nc\nd\n';
    await state.write('a.ts', text, fromLines(aiLines(5, [[2, 3]])));
    const back = perLine(await state.read('a.ts', 'a\nconst total = sum(items) + tax;\nd\n'));
    assert.deepEqual(
      back?.map((l) => l.kind),
      ['human', 'mixed', 'human', 'human'],
    );
  });

  it('makes an AI line a person retyped from scratch human, and one they touched up mixed', async () => {
    const text = 'a\nconst total = sum(items);\nc\nd\n';
    await state.write('a.ts', text, fromLines(aiLines(5, [[2, 2]])));
    assert.deepEqual(aiLineNumbers(perLine(await state.read('a.ts', 'a\nlet price = 0;\nc\nd\n'))), []);
    assert.deepEqual((perLine(await state.read('a.ts', 'a\nconst total = sum(items, 2);\nc\nd\n')))?.[1]?.kind, 'mixed');
  });

  it('reads entries an earlier version wrote (line hashes only), where a retyped AI line stays mixed', async () => {
    const text = 'a\nconst total = sum(items);\nc\nd\n';
    await state.write('a.ts', text, fromLines(aiLines(5, [[2, 2]])));
    const entry = JSON.parse(readFileSync(state.entryFile('a.ts'), 'utf8')) as { format: string; texts?: string[] };
    // The texts are one more field of the format earlier versions read (they ignore fields they do not know).
    assert.equal(entry.format, 'ai-provenance/working-state@1');
    assert.deepEqual(entry.texts, ['const total = sum(items);']);
    delete entry.texts;
    writeFileSync(state.entryFile('a.ts'), JSON.stringify(entry));
    assert.deepEqual(aiLineNumbers(perLine(await state.read('a.ts', text))), [2]);
    assert.deepEqual((perLine(await state.read('a.ts', 'a\nlet price = 0;\nc\nd\n')))?.[1]?.kind, 'mixed');
  });

  it('leaves out AI line texts of more than 2 million characters, and then keeps a retyped AI line mixed', async () => {
    const line = (k: number): string => `export const value${k} = '${'x'.repeat(3000)}';`;
    const text = Array.from({ length: 700 }, (_, k) => line(k)).join('\n') + '\n';
    await state.write('big.ts', text, fromLines(aiLines(701, [[1, 700]])));
    const entry = JSON.parse(readFileSync(state.entryFile('big.ts'), 'utf8')) as { texts?: string[] };
    assert.equal(entry.texts, undefined);
    const back = perLine(await state.read('big.ts', text.replace(line(5), 'let fresh = 1;')));
    assert.equal(back?.[5]?.kind, 'mixed');
  });

  it('keeps short AI lines AI below AI lines a person deleted outside the recorder', async () => {
    const text = 'import { x } from "./x";\n\nexport function validate(input) {\n  const errors = [];\n  if (!input.name) errors.push("name");\n  return errors;\n}\n';
    await state.write('a.ts', text, fromLines(aiLines(8, [[3, 7]])));
    assert.deepEqual(aiLineNumbers(perLine(await state.read('a.ts', text.replace('  if (!input.name) errors.push("name");\n', '')))), [3, 4, 5, 6]);
  });

  it('follows a block of AI lines a person moved outside the recorder', async () => {
    const block = 'function sum(items) {\n  return items.reduce((a, b) => a + b, 0);\n}\n';
    const rest = '// helpers\nexport const one = 1;\nexport const two = 2;\nexport const three = 3;\nexport const four = 4;\n';
    await state.write('a.ts', rest + block, fromLines(aiLines(9, [[6, 8]])));
    assert.deepEqual(aiLineNumbers(perLine(await state.read('a.ts', block + rest))), [1, 2, 3]);
    // A lone `}` moved elsewhere is not the AI's block.
    assert.deepEqual(aiLineNumbers(perLine(await state.read('a.ts', '}\n' + rest + 'function sum(items) {\n  return items.reduce((a, b) => a + b, 0);\n'))), [7, 8]);
  });

  it('reports an entry whose AI line texts do not match its runs as corrupt', async () => {
    await state.write('a.ts', 'x\ny\n', fromLines(aiLines(3, [[1, 2]])));
    const entry = JSON.parse(readFileSync(state.entryFile('a.ts'), 'utf8')) as { texts: string[] };
    entry.texts.pop();
    writeFileSync(state.entryFile('a.ts'), JSON.stringify(entry));
    await assert.rejects(state.read('a.ts', 'x\n')), (err: unknown) => err instanceof CorruptStateError && /texts do not cover the 2 lines/.test(err.message);
  });

  it('never carries AI onto a blank line', async () => {
    await state.write('a.ts', 'x\ny\n', fromLines(aiLines(3, [[1, 2]])));
    const back = perLine(await state.read('a.ts', 'x\n\n'));
    assert.deepEqual(aiLineNumbers(back), [1]);
  });

  it('removes the entry and the pending marker when only human lines remain', async () => {
    await state.write('a.ts', 'x\n', fromLines(aiLines(2, [[1, 1]])));
    assert.ok(existsSync(state.pendingMarker), 'pending marker after an AI write');
    await state.write('a.ts', 'x\n', fromLines(aiLines(2, [])));
    assert.equal(perLine(await state.read('a.ts', 'x\n')), undefined);
    assert.ok(!existsSync(state.pendingMarker), 'no pending marker once nothing is recorded');
  });

  it('changes nothing, and tells no watcher, when a file with no entry is saved with only human lines', async () => {
    await state.write('b.ts', 'y\n', fromLines(aiLines(2, [[1, 1]], COPILOT)));
    const generation = path.join(repo.commonDir, 'ai-provenance', 'generation');
    const before = readFileSync(generation, 'utf8');
    await state.write('a.ts', 'typed by a person\n', fromLines(aiLines(2, [])));
    await state.update('c.ts', 'also a person\n', (current) => current);
    assert.equal(readFileSync(generation, 'utf8'), before, 'the generation file is untouched');
    assert.deepEqual(await state.paths(), ['b.ts']);
  });

  it('keeps the pending marker while another file still has AI lines', async () => {
    await state.write('a.ts', 'x\n', fromLines(aiLines(2, [[1, 1]])));
    await state.write('b.ts', 'y\n', fromLines(aiLines(2, [[1, 1]], COPILOT)));
    await state.write('a.ts', 'x\n', fromLines(aiLines(2, [])));
    assert.ok(existsSync(state.pendingMarker));
    assert.deepEqual(await state.paths(), ['b.ts']);
  });

  it('moves an entry on rename', async () => {
    await state.write('old name.ts', 'x\n', fromLines(aiLines(2, [[1, 1]])));
    await state.rename('old name.ts', 'dir/new "name".ts');
    assert.equal(perLine(await state.read('old name.ts', 'x\n')), undefined);
    assert.deepEqual(aiLineNumbers(perLine(await state.read('dir/new "name".ts', 'x\n'))), [1]);
  });

  it('merges with update instead of replacing', async () => {
    const text = lines(4);
    await state.write('a.ts', text, fromLines(aiLines(5, [[1, 1]])));
    await state.update('a.ts', text, (cur) => fromLines(toLines(cur).map((l, i) => (i === 3 ? { kind: 'ai', attribution: COPILOT } : l))));
    const back = perLine(await state.read('a.ts', text));
    assert.deepEqual(aiLineNumbers(back), [1, 4]);
    assert.equal(back?.[3]?.attribution?.agent, 'copilot');
  });

  it('reports a corrupt entry as CorruptStateError naming the file, never as "no AI"', async () => {
    await state.write('a.ts', 'x\n', fromLines(aiLines(2, [[1, 1]])));
    const file = state.entryFile('a.ts');
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 40));
    await assert.rejects(state.read('a.ts', 'x\n')), (e: unknown) => e instanceof CorruptStateError && e.file === file && e.message.startsWith(file);
    await assert.rejects(state.paths(), CorruptStateError);
  });

  it('rejects an entry whose runs point past its lines', async () => {
    await state.write('a.ts', 'x\n', fromLines(aiLines(2, [[1, 1]])));
    const file = state.entryFile('a.ts');
    const e = JSON.parse(readFileSync(file, 'utf8'));
    e.runs = [[0, 99, 'a', 0]];
    writeFileSync(file, JSON.stringify(e));
    await assert.rejects(state.read('a.ts', 'x\n')), CorruptStateError;
  });

  it('keeps separate entries per linked worktree of one clone', async () => {
    sh(repo.root, 'git', 'commit', '-q', '--allow-empty', '-m', 'base');
    const wtDir = path.join(path.dirname(repo.root), `${path.basename(repo.root)}-wt`);
    sh(repo.root, 'git', 'worktree', 'add', '-q', wtDir);
    const wt = await discoverRepo(wtDir);
    assert.equal(wt.commonDir, repo.commonDir);
    assert.notEqual(wt.worktreeId, 'main');
    await state.write('a.ts', 'x\n', fromLines(aiLines(2, [[1, 1]])));
    assert.equal(perLine(await WorkingState.forRepo(wt).read('a.ts', 'x\n')), undefined);
    sh(repo.root, 'git', 'worktree', 'remove', '--force', wtDir);
  });

  it('stores line hashes, not the text, so a 20 MB file stays small', async () => {
    const big = 'x'.repeat(2000) + '\n';
    const text = big.repeat(10_000);
    await state.write('big.txt', text, fromLines(aiLines(10_001, [[5, 6]])));
    const size = readFileSync(state.entryFile('big.txt')).length;
    assert.ok(size < 200_000, `entry is ${size} bytes for a ${text.length}-byte file`);
    assert.deepEqual(aiLineNumbers(perLine(await state.read('big.txt', 'top\n' + text))), [6, 7]);
  });

  it('loses nothing when several processes record at once', async function () {
    const text = lines(40);
    const writers = 4;
    const perWriter = 10;
    const script = `
      const { discoverRepo } = require(${JSON.stringify(path.resolve(__dirname, '../../../src/git/repo'))});
      const { WorkingState } = require(${JSON.stringify(path.resolve(__dirname, '../../../src/git/workingState'))});
      const { fromLines, toLines } = require(${JSON.stringify(path.resolve(__dirname, '../../../src/core/lineRuns'))});
      (async () => {
        const w = Number(process.argv[1]);
        const state = WorkingState.forRepo(await discoverRepo(process.cwd()));
        for (let k = 0; k < ${perWriter}; k++) {
          const line = w * ${perWriter} + k;
          await state.update('shared.ts', ${JSON.stringify(text)}, (cur) => fromLines(toLines(cur).map((l, i) => i === line ? { kind: 'ai', attribution: { agent: 'codex', source: 'agent-hook', at: 'x' } } : l)));
        }
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const codes = await Promise.all(
      Array.from({ length: writers }, (_, w) =>
        new Promise<number | null>((resolve) => {
          const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script, String(w)], { cwd: repo.root, stdio: ['ignore', 'ignore', 'inherit'] });
          child.on('close', resolve);
        }),
      ),
    );
    assert.deepEqual(codes, [0, 0, 0, 0]);
    assert.deepEqual(aiLineNumbers(perLine(await state.read('shared.ts', text))), Array.from({ length: writers * perWriter }, (_, i) => i + 1));
    assert.deepEqual(readdirSync(state.dir).filter((n) => n.includes('.tmp') || n === 'lock'), [], 'no temp files or lock left behind');
  });

  it('breaks a lock left by a process that died', async () => {
    mkdirSync(state.dir, { recursive: true });
    writeFileSync(path.join(state.dir, 'lock'), `999999 ${require('node:os').hostname()} node\n`);
    await state.write('a.ts', 'x\n', fromLines(aiLines(2, [[1, 1]])));
    assert.deepEqual(await state.paths(), ['a.ts']);
  });
});
