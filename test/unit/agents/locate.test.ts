import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyHunks, applyReplacements, expectedAfter, reconstructBefore, undoHunks, undoReplacements } from '../../../src/agents/locate';

describe('locating an edit from the text after it', () => {
  it('undoes a replacement whose new text is unique', () => {
    assert.equal(undoReplacements('a\nNEW\nc\n', [{ oldText: 'b', newText: 'NEW' }]), 'a\nb\nc\n');
  });

  it('gives up when the new text occurs twice', () => {
    assert.equal(undoReplacements('NEW\nNEW\n', [{ oldText: 'b', newText: 'NEW' }]), undefined);
  });

  it("uses the agent's line hint to choose between occurrences", () => {
    assert.equal(undoReplacements('NEW\nx\nNEW\n', [{ oldText: 'b', newText: 'NEW', lineHint: 3 }]), 'NEW\nx\nb\n');
    assert.equal(undoReplacements('NEW NEW\n', [{ oldText: 'b', newText: 'NEW', lineHint: 1 }]), undefined);
  });

  it('gives up on replace-all and on deletions, which leave nothing to find', () => {
    assert.equal(undoReplacements('x y x', [{ oldText: 'a', newText: 'x', all: true }]), undefined);
    assert.equal(undoReplacements('ac', [{ oldText: 'b', newText: '' }]), undefined);
  });

  it('undoes a sequence of replacements last first', () => {
    const reps = [
      { oldText: 'one', newText: 'two' },
      { oldText: 'two', newText: 'three' },
    ];
    assert.equal(undoReplacements('x three y', reps), 'x one y');
  });

  it('undoes line hunks, honouring an end-of-file anchor', () => {
    assert.equal(undoHunks('a\nB\nc\n', [{ oldLines: ['a', 'b', 'c'], newLines: ['a', 'B', 'c'] }]), 'a\nb\nc\n');
    assert.equal(undoHunks('x\ny\nx\ny\n', [{ oldLines: ['x'], newLines: ['x', 'y'], atEnd: true }]), 'x\ny\nx\n');
    assert.equal(undoHunks('x\ny\nx\ny\n', [{ oldLines: ['x'], newLines: ['x', 'y'] }]), undefined);
  });

  it('applies line hunks forward in order, appending a hunk without old lines', () => {
    assert.equal(applyHunks('a\nb\nc\n', [{ oldLines: ['b'], newLines: ['B'] }]), 'a\nB\nc\n');
    assert.equal(applyHunks('x\ny\nx\n', [{ oldLines: ['x'], newLines: ['X'] }, { oldLines: ['x'], newLines: ['Z'] }]), 'X\ny\nZ\n');
    assert.equal(applyHunks('a\n', [{ oldLines: [], newLines: ['b'] }]), 'a\nb\n');
    assert.equal(applyHunks('a\n', [{ oldLines: ['q'], newLines: ['b'] }]), undefined);
  });

  it('tells what the file should hold after a write, when the payload says', () => {
    assert.equal(expectedAfter({ kind: 'replace', path: 'p', replacements: [{ oldText: 'b', newText: 'B' }] }, 'abc'), 'aBc');
    assert.equal(expectedAfter({ kind: 'replace', path: 'p', replacements: [{ oldText: 'q', newText: 'B' }] }, 'abc'), undefined);
    assert.equal(expectedAfter({ kind: 'write', path: 'p', content: 'new' }, 'old'), 'new');
    assert.equal(expectedAfter({ kind: 'snapshot-only', path: 'p' }, 'old'), undefined);
  });

  it('treats a created file as empty before, but only when its content is what was written', () => {
    assert.equal(reconstructBefore({ kind: 'write', path: 'a', content: 'x\n', created: true }, 'x\n'), '');
    assert.equal(reconstructBefore({ kind: 'write', path: 'a', content: 'x\n', created: true }, 'x\ny\n'), undefined);
    assert.equal(reconstructBefore({ kind: 'write', path: 'a', content: 'x\n' }, 'x\n'), undefined);
  });

  it('never reconstructs a wrong before-text (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '\n'), maxLength: 40 });
    fc.assert(
      fc.property(text, text, text, text, (prefix, old, fresh, suffix) => {
        const before = prefix + old + suffix;
        const after = prefix + fresh + suffix;
        const got = undoReplacements(after, [{ oldText: old, newText: fresh }]);
        // Either it declines, or it found a before-text from which the edit really produces `after`.
        if (got === undefined) return true;
        const occurrences = after.split(fresh).length - 1;
        return occurrences === 1 ? got === before : false;
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with applying the replacements forward (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '\n', 'x'), maxLength: 30 });
    fc.assert(
      fc.property(text, fc.string({ unit: fc.constantFrom('q', 'r'), minLength: 1, maxLength: 4 }), text, (before, fresh, old) => {
        const target = old === '' ? undefined : before.indexOf(old);
        if (target === undefined || target < 0) return true;
        const after = applyReplacements(before, [{ oldText: old, newText: fresh }]);
        if (after === undefined) return true;
        const back = undoReplacements(after, [{ oldText: old, newText: fresh }]);
        return back === undefined || back === before;
      }),
      { numRuns: 2000 },
    );
  });
});
