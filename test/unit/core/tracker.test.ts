import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Attribution, LineProvenance, TextChange } from '../../../src/core/model';
import { CarriedText, LineTracker, type EditOptions } from '../../../src/core/tracker';
import { fromLines, toNoteRuns } from '../../../src/core/lineRuns';

const COPILOT: Attribution = { agent: 'copilot', model: 'openai/gpt-5', source: 'inline-completion', at: '2026-01-01T10:00:00Z' };
const CLAUDE: Attribution = { agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'chat-edit', at: '2026-01-01T11:00:00Z' };

/** A VS Code-shaped change; offsets are not used by the tracker. */
function ch(line: number, character: number, endLine: number, endCharacter: number, text: string): TextChange {
  return { range: { start: { line, character }, end: { line: endLine, character: endCharacter } }, rangeOffset: 0, rangeLength: 0, text };
}

function insert(line: number, character: number, text: string): TextChange {
  return ch(line, character, line, character, text);
}

function kinds(t: LineTracker): string[] {
  return t.lines().map((p) => p.kind);
}

function who(t: LineTracker): (string | undefined)[] {
  return t.lines().map((p) => p.attribution?.agent);
}

/** A tracker whose lines 1..3 were inserted by Copilot between two human lines. */
function withAiBlock(eol = '\n'): LineTracker {
  const t = new LineTracker(['first', 'last'].join(eol));
  t.applyChanges([insert(1, 0, ['const a = 1;', 'const b = 2;', 'const c = 3;', ''].join(eol))], COPILOT);
  return t;
}

describe('tracker', () => {
  describe('a new document', () => {
    it('treats an empty document as one human line', () => {
      const t = new LineTracker('');
      assert.equal(t.lineCount, 1);
      assert.deepEqual(kinds(t), ['human']);
      assert.equal(t.text(), '');
      assert.deepEqual(toNoteRuns(t.provenance()), []);
    });

    it('starts all human without provenance, keeping the text exactly', () => {
      const text = 'a\r\nb\nc\rd\n';
      const t = new LineTracker(text);
      assert.equal(t.lineCount, 5);
      assert.deepEqual(kinds(t), ['human', 'human', 'human', 'human', 'human']);
      assert.equal(t.text(), text);
      assert.equal(t.lineText(2), 'c');
    });

    it('takes stored provenance line by line and gives it back unchanged', () => {
      const prov: LineProvenance[] = [{ kind: 'ai', attribution: COPILOT }, { kind: 'mixed', attribution: CLAUDE }, { kind: 'human' }];
      const t = new LineTracker('x = 1\ny = 2\nz = 3', fromLines(prov));
      assert.deepEqual(t.lines(), prov);
      assert.equal(t.line(0).attribution, COPILOT);
    });

    it('ignores stored provenance whose length differs from the line count', () => {
      const t = new LineTracker('x\ny\nz', fromLines([{ kind: 'ai', attribution: COPILOT }]));
      assert.deepEqual(kinds(t), ['human', 'human', 'human']);
    });

    it('does not carry AI authorship onto a blank line', () => {
      const t = new LineTracker('x\n\nz', fromLines([
        { kind: 'ai', attribution: COPILOT },
        { kind: 'ai', attribution: COPILOT },
        { kind: 'ai', attribution: COPILOT },
      ]));
      assert.deepEqual(kinds(t), ['ai', 'human', 'ai']);
    });
  });

  describe('AI edits', () => {
    it('marks lines an AI inserts as AI, with its attribution', () => {
      const t = withAiBlock();
      assert.deepEqual(kinds(t), ['human', 'ai', 'ai', 'ai', 'human']);
      assert.equal(t.line(1).attribution, COPILOT);
      assert.deepEqual(toNoteRuns(t.provenance()), [{ start: 1, end: 4, kind: 'ai', attribution: COPILOT }]);
      assert.equal(t.aiLineCount(), 3);
    });

    it('marks text an AI inserts at the very start of the document', () => {
      const t = new LineTracker('human');
      t.applyChanges([insert(0, 0, 'generated\n')], COPILOT);
      assert.deepEqual(kinds(t), ['ai', 'human']);
      assert.equal(t.text(), 'generated\nhuman');
    });

    it('marks text an AI appends at the very end of a document without a final newline', () => {
      const t = new LineTracker('human');
      t.applyChanges([insert(0, 5, '\ngenerated')], COPILOT);
      assert.deepEqual(kinds(t), ['human', 'ai']);
      assert.equal(t.text(), 'human\ngenerated');
    });

    it('fills an empty document', () => {
      const t = new LineTracker('');
      t.applyChanges([insert(0, 0, 'a()\nb()\n')], CLAUDE);
      assert.deepEqual(kinds(t), ['ai', 'ai', 'human']);
      assert.deepEqual(who(t), ['claude-code', 'claude-code', undefined]);
    });

    it('keeps a human line human when an AI completes it but mixed once the AI wrote part of it', () => {
      const t = new LineTracker('const x = ');
      t.applyChanges([insert(0, 10, 'compute();')], COPILOT);
      assert.deepEqual(kinds(t), ['mixed']);
      assert.equal(t.line(0).attribution, COPILOT);
    });

    it('keeps an AI line AI when the AI itself deletes part of it', () => {
      const t = withAiBlock();
      t.applyChanges([ch(2, 6, 2, 8, '')], COPILOT);
      assert.equal(t.lineText(2), 'const = 2;');
      assert.equal(t.line(2).kind, 'ai');
    });

    it('attributes a line to the agent that wrote most of it, the earlier one on a tie', () => {
      const t = new LineTracker('');
      t.applyChanges([insert(0, 0, 'abcd')], COPILOT);
      t.applyChanges([insert(0, 4, 'efghij')], CLAUDE);
      assert.equal(t.line(0).attribution, CLAUDE);
      const tie = new LineTracker('');
      tie.applyChanges([insert(0, 0, 'abc')], CLAUDE);
      tie.applyChanges([insert(0, 0, 'xyz')], COPILOT);
      assert.equal(tie.line(0).attribution, COPILOT);
      assert.equal(tie.line(0).kind, 'ai');
    });

    it('merges runs only across lines of the same kind and agent', () => {
      const t = new LineTracker('h\n\n\n\nh');
      t.applyChanges([insert(1, 0, 'a')], COPILOT);
      t.applyChanges([insert(2, 0, 'b')], COPILOT);
      t.applyChanges([insert(3, 0, 'c')], CLAUDE);
      t.applyChanges([insert(1, 1, '!')], undefined);
      assert.deepEqual(
        toNoteRuns(t.provenance()).map((r) => [r.start, r.end, r.kind, r.attribution.agent]),
        [
          [1, 2, 'mixed', 'copilot'],
          [2, 3, 'ai', 'copilot'],
          [3, 4, 'ai', 'claude-code'],
        ],
      );
    });
  });

  describe("a person's edits", () => {
    it('makes an AI line mixed when a person types in it', () => {
      const t = withAiBlock();
      t.applyChanges([insert(2, 6, 'x')], undefined);
      assert.deepEqual(kinds(t), ['human', 'ai', 'mixed', 'ai', 'human']);
      assert.equal(t.line(2).attribution, COPILOT);
    });

    it('keeps a line AI when text is typed on another line', () => {
      const t = withAiBlock();
      t.applyChanges([insert(0, 5, ' line')], undefined);
      t.applyChanges([insert(4, 0, '// ')], undefined);
      assert.deepEqual(kinds(t), ['human', 'ai', 'ai', 'ai', 'human']);
    });

    it('keeps AI lines AI when a person presses Enter at the end of one, with or without auto-indent', () => {
      const t = withAiBlock();
      t.applyChanges([insert(1, 12, '\n')], undefined);
      t.applyChanges([insert(3, 12, '\n    ')], undefined);
      assert.deepEqual(kinds(t), ['human', 'ai', 'human', 'ai', 'human', 'ai', 'human']);
      assert.equal(t.lineText(4), '    ');
    });

    it('keeps an AI line AI when a person presses Enter at its start', () => {
      const t = withAiBlock();
      t.applyChanges([insert(2, 0, '\n')], undefined);
      assert.deepEqual(kinds(t), ['human', 'ai', 'human', 'ai', 'ai', 'human']);
    });

    it('makes an AI line mixed when a person deletes its last character', () => {
      const t = withAiBlock();
      t.applyChanges([ch(1, 11, 1, 12, '')], undefined);
      assert.equal(t.lineText(1), 'const a = 1');
      assert.equal(t.line(1).kind, 'mixed');
    });

    it('makes an AI line mixed when a person deletes its first characters', () => {
      const t = withAiBlock();
      t.applyChanges([ch(1, 0, 1, 6, '')], undefined);
      assert.equal(t.lineText(1), 'a = 1;');
      assert.equal(t.line(1).kind, 'mixed');
    });

    it('makes the AI lines a person joins with Backspace mixed', () => {
      const t = withAiBlock();
      t.applyChanges([ch(1, 12, 2, 0, '')], undefined);
      assert.equal(t.lineText(1), 'const a = 1;const b = 2;');
      assert.deepEqual(kinds(t), ['human', 'mixed', 'ai', 'human']);
    });

    it('lets a deleted line vanish without touching its AI neighbours', () => {
      const t = withAiBlock();
      t.applyChanges([ch(2, 0, 3, 0, '')], undefined);
      assert.deepEqual(kinds(t), ['human', 'ai', 'ai', 'human']);
      assert.equal(t.text(), 'first\nconst a = 1;\nconst c = 3;\nlast');
      t.applyChanges([ch(1, 12, 2, 12, '')], undefined);
      assert.deepEqual(kinds(t), ['human', 'ai', 'human']);
    });

    it('keeps AI lines AI when a person deletes a blank line between them', () => {
      const t = withAiBlock();
      t.applyChanges([insert(1, 12, '\n')], undefined);
      t.applyChanges([ch(1, 12, 2, 0, '')], undefined);
      assert.deepEqual(kinds(t), ['human', 'ai', 'ai', 'ai', 'human']);
    });

    it('makes a line human again once a person replaced all of its AI text', () => {
      const t = withAiBlock();
      t.applyChanges([ch(2, 0, 2, 12, 'let b = 2;')], undefined);
      assert.equal(t.line(2).kind, 'human');
    });

    it('applies every change of a multi-cursor event, from the end of the document backwards', () => {
      const t = withAiBlock();
      t.applyChanges([insert(3, 0, '  '), insert(2, 0, '  '), insert(0, 0, '  ')], undefined);
      assert.equal(t.text(), '  first\nconst a = 1;\n  const b = 2;\n  const c = 3;\nlast');
      assert.deepEqual(kinds(t), ['human', 'ai', 'mixed', 'mixed', 'human']);
    });
  });

  describe('CRLF documents', () => {
    it('keeps CRLF line breaks and tracks lines as in an LF document', () => {
      const t = withAiBlock('\r\n');
      assert.equal(t.text(), 'first\r\nconst a = 1;\r\nconst b = 2;\r\nconst c = 3;\r\nlast');
      t.applyChanges([insert(2, 12, '\r\n')], undefined);
      t.applyChanges([insert(1, 5, 'X')], undefined);
      assert.deepEqual(kinds(t), ['human', 'mixed', 'ai', 'human', 'ai', 'human']);
      assert.equal(t.text(), 'first\r\nconstX a = 1;\r\nconst b = 2;\r\n\r\nconst c = 3;\r\nlast');
    });

    it('deletes a whole CRLF line', () => {
      const t = withAiBlock('\r\n');
      t.applyChanges([ch(1, 0, 2, 0, '')], undefined);
      assert.equal(t.text(), 'first\r\nconst b = 2;\r\nconst c = 3;\r\nlast');
      assert.deepEqual(kinds(t), ['human', 'ai', 'ai', 'human']);
    });
  });

  describe('undo and redo', () => {
    it('removes undone AI lines and brings them back as AI on redo', () => {
      const t = new LineTracker('first\nlast');
      t.applyChanges([insert(1, 0, 'a()\nb()\n')], COPILOT);
      t.applyChanges([ch(1, 0, 3, 0, '')], undefined, 'undo');
      assert.equal(t.text(), 'first\nlast');
      assert.deepEqual(kinds(t), ['human', 'human']);
      t.applyChanges([insert(1, 0, 'a()\nb()\n')], undefined, 'redo');
      assert.deepEqual(kinds(t), ['human', 'ai', 'ai', 'human']);
      assert.equal(t.line(1).attribution, COPILOT);
    });

    it("gives an AI line back when a person's edit in it is undone, and takes it away on redo", () => {
      const t = withAiBlock();
      t.applyChanges([ch(2, 6, 2, 7, 'B')], undefined);
      assert.equal(t.line(2).kind, 'mixed');
      t.applyChanges([ch(2, 6, 2, 7, 'b')], undefined, 'undo');
      assert.equal(t.line(2).kind, 'ai');
      t.applyChanges([ch(2, 6, 2, 7, 'B')], undefined, 'redo');
      assert.equal(t.line(2).kind, 'mixed');
    });

    it('undoes several typing events that arrive as one undo step', () => {
      const t = withAiBlock();
      t.applyChanges([insert(2, 12, ' ')], undefined);
      t.applyChanges([insert(2, 13, '/')], undefined);
      t.applyChanges([insert(2, 14, '/')], undefined);
      assert.equal(t.line(2).kind, 'mixed');
      t.applyChanges([ch(2, 12, 2, 15, '')], undefined, 'undo');
      assert.equal(t.lineText(2), 'const b = 2;');
      assert.equal(t.line(2).kind, 'ai');
      t.applyChanges([insert(2, 12, ' //')], undefined, 'redo');
      assert.equal(t.line(2).kind, 'mixed');
    });

    it('undoes a multi-cursor event given as VS Code sends its inverse', () => {
      const t = withAiBlock();
      t.applyChanges([insert(3, 0, '  '), insert(2, 0, '  ')], undefined);
      t.applyChanges([ch(3, 0, 3, 2, ''), ch(2, 0, 2, 2, '')], undefined, 'undo');
      assert.deepEqual(kinds(t), ['human', 'ai', 'ai', 'ai', 'human']);
    });

    it('treats an undo that matches no history as a person editing, never as AI', () => {
      const t = withAiBlock();
      t.applyChanges([insert(4, 0, 'restored()\n')], undefined, 'undo');
      assert.deepEqual(kinds(t), ['human', 'ai', 'ai', 'ai', 'human', 'human']);
      const fresh = new LineTracker('x');
      fresh.applyChanges([insert(0, 1, '\ny')], undefined, 'redo');
      assert.deepEqual(kinds(fresh), ['human', 'human']);
    });

    it('forgets what can be redone once a new edit is made', () => {
      const t = new LineTracker('first\nlast');
      t.applyChanges([insert(1, 0, 'ai()\n')], COPILOT);
      t.applyChanges([ch(1, 0, 2, 0, '')], undefined, 'undo');
      t.applyChanges([insert(0, 5, '!')], undefined);
      t.applyChanges([insert(1, 0, 'ai()\n')], undefined, 'redo');
      assert.deepEqual(kinds(t), ['human', 'human', 'human']);
    });

    it('remembers the last 1,000 edits: undoing further back counts as a person editing', () => {
      const t = new LineTracker('');
      for (let k = 0; k < 1001; k++) t.applyChanges([insert(k, 0, 'ai()\n')], COPILOT);
      for (let k = 1000; k >= 1; k--) t.applyChanges([ch(k, 0, k + 1, 0, '')], undefined, 'undo');
      assert.deepEqual(kinds(t), ['ai', 'human']);
      t.applyChanges([ch(0, 0, 1, 0, '')], undefined, 'undo');
      t.applyChanges([insert(0, 0, 'ai()\n')], undefined, 'redo');
      assert.deepEqual(kinds(t), ['human', 'human']);
    });

    it('does not keep a snapshot of a huge edit, so undoing it counts as a person editing', () => {
      const block = 'generated();\n'.repeat(30_000);
      const t = new LineTracker(`${block}end`, fromLines([...Array<LineProvenance>(30_000).fill({ kind: 'ai', attribution: COPILOT }), { kind: 'human' }]));
      t.applyChanges([ch(0, 0, 30_000, 0, '')], undefined);
      assert.equal(t.text(), 'end');
      t.applyChanges([insert(0, 0, block)], undefined, 'undo');
      assert.equal(t.lineCount, 30_001);
      assert.equal(t.aiLineCount(), 0);
    });

    it('does not bring back attribution that was marked by hand after the edit', () => {
      const t = withAiBlock();
      t.applyChanges([insert(2, 0, 'x')], undefined);
      t.mark(1, 4, undefined);
      t.applyChanges([ch(2, 0, 2, 1, '')], undefined, 'undo');
      assert.deepEqual(kinds(t), ['human', 'human', 'human', 'human', 'human']);
    });
  });

  describe('whole-document replace', () => {
    it('keeps the attribution of lines a reload from disk leaves unchanged', () => {
      const t = withAiBlock();
      const reloaded = 'first\nconst a = 1;\nconst b = 20;\nconst c = 3;\nnew line\nlast';
      t.applyChanges([ch(0, 0, 4, 4, reloaded)], undefined);
      assert.equal(t.text(), reloaded);
      assert.deepEqual(kinds(t), ['human', 'ai', 'mixed', 'ai', 'human', 'human']);
    });

    it('marks only what an agent changed when it rewrites the whole document', () => {
      const t = new LineTracker('keep();\nold();\nkeep2();');
      t.applyChanges([ch(0, 0, 2, 8, 'keep();\nnew();\nkeep2();\nadded();')], CLAUDE);
      // The agent rewrote only `old` of the second line: its `();` stays the person's.
      assert.deepEqual(kinds(t), ['human', 'mixed', 'human', 'ai']);
    });

    it('replaceAll keeps the attribution of unchanged lines and removes deleted ones', () => {
      const t = withAiBlock();
      t.replaceAll('first\nconst a = 1;\nconst c = 3;\nlast');
      assert.deepEqual(kinds(t), ['human', 'ai', 'ai', 'human']);
      t.replaceAll('first\nconst a = 1;\nconst c = 3;\nlast\nmore()', COPILOT);
      assert.deepEqual(kinds(t), ['human', 'ai', 'ai', 'human', 'ai']);
      t.replaceAll('');
      assert.deepEqual(kinds(t), ['human']);
      assert.equal(t.text(), '');
    });

    it('makes a whole-document replace undoable', () => {
      const t = withAiBlock();
      const before = t.text();
      t.applyChanges([ch(0, 0, 4, 4, 'gone')], undefined);
      assert.deepEqual(kinds(t), ['human']);
      t.applyChanges([ch(0, 0, 0, 4, before)], undefined, 'undo');
      assert.deepEqual(kinds(t), ['human', 'ai', 'ai', 'ai', 'human']);
    });
  });

  describe('manual marking', () => {
    it('marks lines as written by an agent, and as human again', () => {
      const t = new LineTracker('a\nb\n\nc');
      t.mark(0, 4, CLAUDE);
      assert.deepEqual(kinds(t), ['ai', 'ai', 'human', 'ai']);
      t.mark(1, 2, undefined);
      assert.deepEqual(kinds(t), ['ai', 'human', 'human', 'ai']);
    });

    it('clears the trace of a person’s edit so a mixed line becomes AI', () => {
      const t = withAiBlock();
      t.applyChanges([insert(1, 0, 'x')], undefined);
      t.mark(1, 2, COPILOT);
      assert.equal(t.line(1).kind, 'ai');
    });
  });

  describe('bad input', () => {
    it('rejects a change past the end of a line, naming the change and position, and changes nothing', () => {
      const t = withAiBlock();
      const before = t.text();
      assert.throws(() => t.applyChanges([insert(4, 0, 'ok'), insert(1, 40, 'x')], undefined), /change 2 of 2: column 40 is past the end of line 1 \(length 12\)/);
      assert.equal(t.text(), before);
      assert.deepEqual(kinds(t), ['human', 'ai', 'ai', 'ai', 'human']);
    });

    it('rejects a change past the last line and a range that ends before it starts', () => {
      const t = withAiBlock();
      assert.throws(() => t.applyChanges([insert(9, 0, 'x')], COPILOT), /change 1 of 1: line 9 is past the last line 4/);
      assert.throws(() => t.applyChanges([ch(2, 3, 1, 0, '')], undefined), /start 2:3 is after end 1:0/);
      assert.throws(() => t.applyChanges([ch(-1, 0, 0, 0, '')], undefined), /is not a range with text/);
      assert.throws(() => t.applyChanges([{ text: 'x' } as unknown as TextChange], undefined), /change 1 of 1 is not a range with text/);
      assert.equal(t.lineCount, 5);
    });

    it('rejects lines outside the document', () => {
      const t = new LineTracker('a\nb');
      assert.throws(() => t.line(2), /line 2 is outside the document's 2 lines/);
      assert.throws(() => t.lineText(-1), RangeError);
      assert.throws(() => t.mark(1, 3, COPILOT), /lines 1\.\.3 are outside/);
    });

    it('ignores an event without changes', () => {
      const t = withAiBlock();
      t.applyChanges([], undefined, 'undo');
      assert.deepEqual(kinds(t), ['human', 'ai', 'ai', 'ai', 'human']);
    });
  });

  describe('large documents', () => {
    it('keeps lines and their authors in order through large pastes and deletions across internal blocks', () => {
      // Whole-line edits only, so the expected kind of every line is known without a character model.
      const op = fc.record({ kind: fc.constantFrom('paste', 'delete', 'undo'), at: fc.nat(), size: fc.integer({ min: 1, max: 1500 }), ai: fc.boolean() });
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2500 }), fc.array(op, { maxLength: 12 }), (initial, ops) => {
          let model: { text: string; kind: string }[] = Array.from({ length: initial }, (_, i) => ({ text: `h${i}`, kind: 'human' }));
          const t = new LineTracker(`${model.map((l) => l.text).join('\n')}\n`);
          const undo: { changes: TextChange[]; model: typeof model }[] = [];
          let serial = 0;
          for (const o of ops) {
            const at = o.at % (model.length + 1);
            if (o.kind === 'paste') {
              const lines = Array.from({ length: o.size }, () => ({ text: `p${serial++}`, kind: o.ai ? 'ai' : 'human' }));
              t.applyChanges([insert(at, 0, lines.map((l) => `${l.text}\n`).join(''))], o.ai ? COPILOT : undefined);
              undo.push({ changes: [ch(at, 0, at + lines.length, 0, '')], model });
              model = [...model.slice(0, at), ...lines, ...model.slice(at)];
            } else if (o.kind === 'delete') {
              const end = Math.min(model.length, at + o.size);
              const gone = model.slice(at, end);
              t.applyChanges([ch(at, 0, end, 0, '')], undefined);
              undo.push({ changes: [insert(at, 0, gone.map((l) => `${l.text}\n`).join(''))], model });
              model = [...model.slice(0, at), ...model.slice(end)];
            } else {
              const last = undo.pop();
              if (!last) continue;
              t.applyChanges(last.changes, undefined, 'undo');
              model = last.model;
            }
            assert.equal(t.lineCount, model.length + 1);
            assert.equal(t.text(), `${model.map((l) => `${l.text}\n`).join('')}`);
            const got = kinds(t);
            for (let i = 0; i < model.length; i++) assert.equal(got[i], model[i].kind, `line ${i}`);
            assert.equal(t.aiLineCount(), model.filter((l) => l.kind === 'ai').length);
          }
        }),
        { numRuns: 60 },
      );
    });
  });
});

// Cut, copy and paste of AI text, and formatter edits: who wrote the characters travels with them.
const COMMITTED: Attribution = { agent: 'claude-code', source: 'chat-edit', at: '2026-01-01T11:00:00Z', detail: 'commit abc123' };

/** Lines 1..2 written by Copilot between human lines. */
function withAi(): LineTracker {
  const t = new LineTracker('first\nmiddle\nlast');
  t.applyChanges([insert(1, 0, 'const a = 1;\nconst b = 2;\n')], COPILOT);
  assert.deepEqual(kinds(t), ['human', 'ai', 'ai', 'human', 'human']);
  return t;
}

const AI_TEXT = 'const a = 1;\nconst b = 2;\n';

describe('tracker: carried authorship', () => {
  describe('cut and paste', () => {
    it('keeps cut AI lines AI where they are pasted in the same file', () => {
      const carried = new CarriedText();
      const t = withAi();
      t.applyChanges([ch(1, 0, 3, 0, '')], undefined, undefined, { carried, carry: 'any' });
      assert.deepEqual(kinds(t), ['human', 'human', 'human']);
      t.applyChanges([insert(2, 0, AI_TEXT)], undefined, undefined, { carried, carry: 'any' });
      assert.equal(t.text(), 'first\nmiddle\nconst a = 1;\nconst b = 2;\nlast');
      assert.deepEqual(kinds(t), ['human', 'human', 'ai', 'ai', 'human']);
      assert.equal(t.line(2).attribution?.agent, 'copilot');
      assert.equal(t.line(2).attribution?.model, 'openai/gpt-5');
      assert.equal(carried.hits, 1);
    });

    it('keeps them AI when pasted into another file', () => {
      const carried = new CarriedText();
      const a = withAi();
      a.applyChanges([ch(1, 0, 3, 0, '')], undefined, undefined, { carried, carry: 'any' });
      const b = new LineTracker('x\n');
      b.applyChanges([insert(1, 0, AI_TEXT)], undefined, undefined, { carried, carry: 'any' });
      assert.deepEqual(kinds(b), ['human', 'ai', 'ai', 'human']);
    });

    it('leaves a paste human when its text differs from what was cut, even by one character', () => {
      const carried = new CarriedText();
      const t = withAi();
      t.applyChanges([ch(1, 0, 3, 0, '')], undefined, undefined, { carried, carry: 'any' });
      t.applyChanges([insert(2, 0, 'const a = 1;\nconst b = 3;\n')], undefined, undefined, { carried, carry: 'any' });
      assert.deepEqual(kinds(t), ['human', 'human', 'human', 'human', 'human']);
      assert.equal(carried.hits, 0);
    });

    it('leaves text a person types human, even when it equals what was cut', () => {
      const carried = new CarriedText();
      const t = withAi();
      t.applyChanges([ch(1, 0, 2, 0, '')], undefined, undefined, { carried, carry: 'any' });
      t.applyChanges([insert(3, 0, 'const a = 1;\n')], undefined, undefined, { carried, carry: 'none' });
      assert.deepEqual(kinds(t), ['human', 'ai', 'human', 'human', 'human']);
    });

    it('carries only multi-line text when the kind of edit is unknown', () => {
      const carried = new CarriedText();
      const t = withAi();
      t.applyChanges([ch(1, 0, 3, 0, '')], undefined, undefined, { carried, carry: 'lines' });
      t.applyChanges([insert(2, 0, AI_TEXT)], undefined, undefined, { carried, carry: 'lines' });
      assert.deepEqual(kinds(t), ['human', 'human', 'ai', 'ai', 'human']);
      // A removal within one line is not remembered without a cut; a one-line insertion is not matched either.
      t.applyChanges([ch(2, 0, 2, 12, '')], undefined, undefined, { carried, carry: 'lines' });
      t.applyChanges([insert(0, 0, 'const a = 1;')], undefined, undefined, { carried, carry: 'lines' });
      assert.equal(t.lineText(0), 'const a = 1;first');
      assert.equal(t.line(0).kind, 'human');
    });

    it('keeps a mixed line mixed and a person\'s characters a person\'s', () => {
      const carried = new CarriedText();
      const t = withAi();
      t.applyChanges([insert(1, 12, ' // why')], undefined);
      assert.equal(t.line(1).kind, 'mixed');
      t.applyChanges([ch(1, 0, 3, 0, '')], undefined, undefined, { carried, carry: 'any' });
      t.applyChanges([insert(2, 0, 'const a = 1; // why\nconst b = 2;\n')], undefined, undefined, { carried, carry: 'any' });
      assert.deepEqual(kinds(t), ['human', 'human', 'mixed', 'ai', 'human']);
    });

    it('remembers nothing from human lines, so their paste stays human', () => {
      const carried = new CarriedText();
      const t = withAi();
      t.applyChanges([ch(3, 0, 4, 0, '')], undefined, undefined, { carried, carry: 'any' });
      assert.equal(carried.size, 0);
      t.applyChanges([insert(0, 0, 'middle\n')], undefined, undefined, { carried, carry: 'any' });
      assert.equal(t.line(0).kind, 'human');
    });

    it("carries no word taken out of an AI line, so a person's line it is pasted into stays human", () => {
      const carried = new CarriedText();
      const t = withAi();
      t.applyChanges([ch(1, 8, 1, 12, '')], undefined, undefined, { carried, carry: 'any' });
      assert.equal(carried.size, 0);
      t.applyChanges([insert(3, 3, '= 1;')], undefined, undefined, { carried, carry: 'any' });
      assert.equal(t.lineText(3), 'mid= 1;dle');
      assert.equal(t.line(3).kind, 'human');
    });

    it('carries a whole AI line cut with the whitespace around it, and makes a line it joins mixed', () => {
      const carried = new CarriedText();
      const t = new LineTracker('x\n');
      t.applyChanges([insert(1, 0, '  go();  \n')], COPILOT);
      t.applyChanges([ch(1, 2, 1, 7, '')], undefined, undefined, { carried, carry: 'any' });
      assert.equal(carried.size, 1);
      t.applyChanges([insert(0, 1, 'go();')], undefined, undefined, { carried, carry: 'any' });
      assert.equal(t.lineText(0), 'xgo();');
      assert.equal(t.line(0).kind, 'mixed');
    });
  });

  describe('copy and paste', () => {
    it('gives an exact copy of AI lines their authorship, leaving the originals AI', () => {
      const carried = new CarriedText();
      const t = withAi();
      carried.remember(t.fragment({ line: 1, character: 0 }, { line: 3, character: 0 }));
      t.applyChanges([insert(4, 0, AI_TEXT)], undefined, undefined, { carried, carry: 'any' });
      assert.deepEqual(kinds(t), ['human', 'ai', 'ai', 'human', 'ai', 'ai', 'human']);
    });

    it('pastes a line copied without a selection as a line of its own, still AI', () => {
      const carried = new CarriedText();
      const t = withAi();
      carried.remember(t.fragment({ line: 2, character: 0 }, { line: 2, character: 12 }));
      t.applyChanges([insert(0, 0, 'const b = 2;\n')], undefined, undefined, { carried, carry: 'any' });
      assert.deepEqual(kinds(t), ['ai', 'human', 'ai', 'ai', 'human', 'human']);
      t.applyChanges([insert(5, 0, 'const b = 2;\n\n')], undefined, undefined, { carried, carry: 'any' });
      assert.equal(t.line(5).kind, 'human', 'more than the copied line and its line break is not the copy');
    });

    it('matches a copied line pasted with a CRLF line break in a CRLF document', () => {
      const carried = new CarriedText();
      const t = new LineTracker('a\r\nb\r\n');
      t.applyChanges([insert(1, 0, 'x = f();\r\n')], COPILOT);
      carried.remember(t.fragment({ line: 1, character: 0 }, { line: 1, character: 8 }));
      t.applyChanges([insert(0, 0, 'x = f();\r\n')], undefined, undefined, { carried, carry: 'any' });
      assert.equal(t.text(), 'x = f();\r\na\r\nx = f();\r\nb\r\n');
      assert.deepEqual(kinds(t), ['ai', 'human', 'ai', 'human', 'human']);
    });

    it('gives the copy the attribution the memory maps to (a committed line becomes an uncommitted copy)', () => {
      const uncommitted = (a: Attribution): Attribution => ({ agent: a.agent, source: a.source, at: a.at });
      const carried = new CarriedText(uncommitted);
      const t = new LineTracker('x\n');
      t.applyChanges([insert(1, 0, 'done();\n')], COMMITTED);
      carried.remember(t.fragment({ line: 1, character: 0 }, { line: 2, character: 0 }));
      t.applyChanges([insert(0, 0, 'done();\n')], undefined, undefined, { carried, carry: 'any' });
      assert.equal(t.line(0).kind, 'ai');
      assert.equal(t.line(0).attribution?.agent, 'claude-code');
      assert.equal(t.line(0).attribution?.detail, undefined);
      assert.equal(t.line(2).attribution?.detail, 'commit abc123');
    });

    it('tells whole lines (a selection from the end of the line before, indentation left out) from part of a line', () => {
      const t = withAi();
      assert.equal(t.fragment({ line: 0, character: 5 }, { line: 2, character: 12 }).wholeLines, true);
      assert.equal(t.fragment({ line: 1, character: 0 }, { line: 3, character: 0 }).wholeLines, true);
      assert.equal(t.fragment({ line: 1, character: 6 }, { line: 2, character: 12 }).wholeLines, false);
      assert.equal(t.fragment({ line: 1, character: 0 }, { line: 2, character: 5 }).wholeLines, false);
    });

    it('refuses a range outside the document, naming it', () => {
      const t = withAi();
      assert.throws(() => t.fragment({ line: 2, character: 0 }, { line: 9, character: 0 }), /LineTracker\.fragment: 2:0\.\.9:0: line 9 is past the last line 4/);
      assert.throws(() => t.fragment({ line: 1, character: 40 }, { line: 1, character: 41 }), /column is past the end/);
    });

    it('keeps a bounded number of fragments, newest first', () => {
      const carried = new CarriedText(undefined, 2);
      const t = withAi();
      for (const [a, b] of [[1, 2], [2, 3], [1, 3]]) carried.remember(t.fragment({ line: a, character: 0 }, { line: b, character: 0 }));
      assert.equal(carried.size, 2);
      assert.equal(carried.find('const a = 1;\n'), undefined);
      assert.ok(carried.find('const b = 2;\n'));
      assert.ok(carried.find(AI_TEXT));
    });
  });

  describe('formatter edits', () => {
    const layout: EditOptions = { layout: true };

    it('keeps AI lines AI when a formatter re-indents them', () => {
      const t = withAi();
      t.applyChanges([insert(2, 0, '    '), insert(1, 0, '    ')], undefined, undefined, layout);
      assert.deepEqual(kinds(t), ['human', 'ai', 'ai', 'human', 'human']);
      // The same edit typed by a person makes them mixed.
      const typed = withAi();
      typed.applyChanges([insert(2, 0, '    '), insert(1, 0, '    ')], undefined);
      assert.deepEqual(kinds(typed), ['human', 'mixed', 'mixed', 'human', 'human']);
    });

    it('keeps AI lines AI when a formatter spaces, wraps and joins them', () => {
      const t = new LineTracker('x\n');
      t.applyChanges([insert(1, 0, 'f({a:1,b:2})\ng(\n  1)\n')], COPILOT);
      t.applyChanges([insert(1, 10, ' '), insert(1, 9, ' '), insert(1, 7, '\n  '), insert(1, 5, ' '), insert(1, 3, ' ')], undefined, undefined, layout);
      assert.equal(t.text(), 'x\nf({ a: 1,\n  b: 2 })\ng(\n  1)\n');
      t.applyChanges([ch(3, 2, 4, 2, '')], undefined, undefined, layout);
      assert.equal(t.text(), 'x\nf({ a: 1,\n  b: 2 })\ng(1)\n');
      assert.deepEqual(kinds(t), ['human', 'ai', 'ai', 'ai', 'human']);
    });

    it('makes a line mixed when a formatter changes more than whitespace', () => {
      const t = withAi();
      t.applyChanges([ch(1, 11, 1, 12, '')], undefined, undefined, layout);
      assert.equal(t.line(1).kind, 'mixed');
    });

    it('keeps whitespace a formatter adds to a person\'s line human', () => {
      const t = withAi();
      t.applyChanges([insert(3, 0, '  '), insert(0, 0, '  ')], undefined, undefined, layout);
      assert.deepEqual(kinds(t), ['human', 'ai', 'ai', 'human', 'human']);
    });
  });
});
