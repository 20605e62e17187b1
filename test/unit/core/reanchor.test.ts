import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { Attribution, LineProvenance, TextChange } from '../../../src/core/model';
import { changesBetween, reanchor as reanchorRuns, splitLines } from '../../../src/core/reanchor';
import { fromLines, toLines } from '../../../src/core/lineRuns';
import { LineTracker } from '../../../src/core/tracker';

/** reanchor read and asserted line by line. */
function reanchor(oldLines: readonly string[], oldProv: readonly LineProvenance[], newLines: readonly string[], author?: Attribution): LineProvenance[] {
  return toLines(reanchorRuns(oldLines, fromLines(oldProv), newLines, author));
}

const COPILOT: Attribution = { agent: 'copilot', source: 'inline-completion', at: '2026-01-01T10:00:00Z' };
const CLAUDE: Attribution = { agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'agent-hook', at: '2026-01-01T11:00:00Z' };

const H: LineProvenance = { kind: 'human' };
const AI: LineProvenance = { kind: 'ai', attribution: COPILOT };
const MIXED: LineProvenance = { kind: 'mixed', attribution: COPILOT };

function hash(line: string): string {
  return createHash('sha1').update(line).digest('hex');
}

/** Applies VS Code-shaped changes one after another to a string, by line and column only. */
function applyText(text: string, changes: readonly TextChange[]): string {
  for (const c of changes) {
    const offset = (line: number, character: number): number => {
      let at = 0;
      for (let l = 0; l < line; l++) {
        const m = /\r\n|\r|\n/.exec(text.slice(at));
        assert.ok(m, `line ${line} exists in ${JSON.stringify(text)}`);
        at += m.index + m[0].length;
      }
      return at + character;
    };
    const from = offset(c.range.start.line, c.range.start.character);
    const to = offset(c.range.end.line, c.range.end.character);
    assert.equal(c.rangeOffset, from, 'rangeOffset matches the range start');
    assert.equal(c.rangeLength, to - from, 'rangeLength matches the range');
    text = text.slice(0, from) + c.text + text.slice(to);
  }
  return text;
}

describe('reanchor', () => {
  const oldLines = ['import x;', 'function f() {', '  return 1;', '}'];
  const oldProv = [H, AI, AI, MIXED];

  it('keeps the provenance of lines that survived, wherever they moved', () => {
    const newLines = ['// header', '', 'import x;', 'function f() {', '  return 1;', '}'];
    assert.deepEqual(reanchor(oldLines, oldProv, newLines), [H, H, H, AI, AI, MIXED]);
  });

  it('lets deleted lines vanish', () => {
    assert.deepEqual(reanchor(oldLines, oldProv, ['import x;', '}']), [H, MIXED]);
  });

  it('makes lines an agent inserts AI and lines a person inserts human, blank lines human either way', () => {
    const newLines = ['import x;', 'import y;', '', 'function f() {', '  return 1;', '}'];
    const byAgent = reanchor(oldLines, oldProv, newLines, CLAUDE);
    assert.deepEqual(byAgent.map((p) => p.kind), ['human', 'ai', 'human', 'ai', 'ai', 'mixed']);
    assert.equal(byAgent[1].attribution, CLAUDE);
    assert.deepEqual(reanchor(oldLines, oldProv, newLines), [H, H, H, AI, AI, MIXED]);
  });

  it("makes an AI line a person changed mixed and leaves a human line a person changed human", () => {
    const newLines = ['import z;', 'function g() {', '  return 1;', '}'];
    assert.deepEqual(reanchor(oldLines, oldProv, newLines), [H, MIXED, AI, MIXED]);
  });

  it('makes an AI line a person retyped human, and keeps one a formatter only re-spaced AI', () => {
    const lines = ['const limit = plan.max;', '  if (limit > 9) throw new Error("over");', 'export default limit;'];
    const prov = [AI, AI, AI];
    const retyped = ['const quota = account.quota ?? DEFAULT;', '  if (limit > 9) throw new Error("over");', 'export default limit;'];
    assert.deepEqual(reanchor(lines, prov, retyped), [H, AI, AI]);
    const touchedUp = ['const limit = plan.max ?? 10;', '  if (limit > 9) throw new Error("over");', 'export default limit;'];
    assert.deepEqual(reanchor(lines, prov, touchedUp), [{ kind: 'mixed', attribution: AI.attribution }, AI, AI]);
    const formatted = ['const limit = plan.max;', '    if (limit > 9)   throw new Error("over");', 'export default limit;   '];
    assert.deepEqual(reanchor(lines, prov, formatted), [AI, AI, AI]);
  });

  it('finds an AI line a person touched up below a line they wrote in its place, and gives a line of spaces nothing', () => {
    const lines = ['const limit = plan.max;', '', 'export default limit;'];
    const prov = [AI, AI, AI];
    const edited = ['// the plan decides', 'const limit = plan.max ?? 10;', '   ', 'export default limit;'];
    assert.deepEqual(reanchor(lines, prov, edited), [H, MIXED, H, AI]);
  });

  it('keeps an AI line an agent changed AI and makes a human line it changed mixed', () => {
    const newLines = ['import z;', 'function g() {', '  return 1;', '}'];
    const got = reanchor(oldLines, oldProv, newLines, CLAUDE);
    assert.deepEqual(got.map((p) => p.kind), ['mixed', 'ai', 'ai', 'mixed']);
    assert.equal(got[0].attribution, CLAUDE);
  });

  it('gives the same answer on line hashes as on line texts', () => {
    const newLines = ['import z;', 'import x;', 'function f() {', '  return 2;', '}', 'extra'];
    const onTexts = reanchor(oldLines, oldProv, newLines, CLAUDE);
    const onHashes = reanchor(oldLines.map(hash), oldProv, newLines.map(hash), CLAUDE);
    assert.deepEqual(onHashes, onTexts);
    assert.deepEqual(onTexts.map((p) => p.kind), ['ai', 'human', 'ai', 'ai', 'mixed', 'ai']);
  });

  it('handles an empty old or new file', () => {
    assert.deepEqual(reanchor([], [], ['a', 'b'], COPILOT).map((p) => p.kind), ['ai', 'ai']);
    assert.deepEqual(reanchor(oldLines, oldProv, []), []);
  });

  it('rejects provenance that does not match the old lines', () => {
    assert.throws(() => reanchorRuns(['a', 'b'], fromLines([H]), ['a']), /reanchor: provenance of 1 lines given for 2 lines/);
  });
});

describe('changesBetween', () => {
  it('returns nothing for equal texts', () => {
    assert.deepEqual(changesBetween('a\nb', 'a\nb'), []);
  });

  it('describes a one-character edit as a one-character change', () => {
    const changes = changesBetween('const a = 1;\nconst b = 2;\n', 'const a = 1;\nconst b = 3;\n');
    assert.deepEqual(changes, [{ range: { start: { line: 1, character: 10 }, end: { line: 1, character: 11 } }, rangeOffset: 23, rangeLength: 1, text: '3' }]);
  });

  it('orders changes from the end of the document backwards, each valid in the original text', () => {
    const oldText = 'one\ntwo\nthree\nfour\n';
    const newText = 'one!\ntwo\nthree\nfour?\n';
    const changes = changesBetween(oldText, newText);
    assert.deepEqual(
      changes.map((c) => [c.range.start.line, c.text]),
      [
        [3, '?'],
        [0, '!'],
      ],
    );
    assert.equal(applyText(oldText, changes), newText);
  });

  it('edits at the start and the end of a document and across CRLF line breaks', () => {
    const cases: [string, string][] = [
      ['', 'new\r\ntext'],
      ['old\r\ntext', ''],
      ['a\r\nb', 'x\r\na\r\nb\r\ny'],
      ['a\r\nb\r\n', 'a\nb\n'],
      ['a\rb', 'a\r\nb'],
      ['line\n', 'line'],
    ];
    for (const [from, to] of cases) assert.equal(applyText(from, changesBetween(from, to)), to, `${JSON.stringify(from)} → ${JSON.stringify(to)}`);
  });

  it('turns any text into any other when its changes are applied in order (property)', () => {
    const text = fc.array(fc.constantFrom('a', 'b', 'c', ' ', '\n', '\r\n', '\r', 'é', '😀'), { maxLength: 40 }).map((p) => p.join(''));
    fc.assert(
      fc.property(text, text, (from, to) => {
        assert.equal(applyText(from, changesBetween(from, to)), to);
      }),
      { numRuns: 3000 },
    );
  });

  it('replays through a tracker to the new text, and a person replaying it never creates AI lines (property)', () => {
    const text = fc.array(fc.constantFrom('a', 'b', ' ', '\n', 'ab\n', '\r\n', '\r'), { maxLength: 30 }).map((p) => p.join(''));
    fc.assert(
      fc.property(text, text, fc.boolean(), (from, to, ai) => {
        const t = new LineTracker(from);
        const before = t.lines();
        t.applyChanges(changesBetween(from, to), ai ? COPILOT : undefined);
        assert.equal(t.text(), to);
        assert.equal(t.lineCount, splitLines(to).length);
        if (!ai) assert.equal(t.aiLineCount(), 0, `${before.length} human lines stay human`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('splitLines', () => {
  it('splits on \\r\\n, lone \\r and \\n, an empty text being one empty line', () => {
    assert.deepEqual(splitLines('a\r\nb\rc\nd'), ['a', 'b', 'c', 'd']);
    assert.deepEqual(splitLines(''), ['']);
    assert.deepEqual(splitLines('x\n'), ['x', '']);
  });
});
