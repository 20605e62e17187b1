import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { carry as carryRuns, keepsText } from '../../../src/core/carry';
import { fromLines, toLines } from '../../../src/core/lineRuns';
import type { Attribution, LineProvenance } from '../../../src/core/model';
import { changesBetween } from '../../../src/core/reanchor';
import { LineTracker } from '../../../src/core/tracker';

/** carry read and asserted line by line. */
function carry(oldKeys: readonly string[], oldProv: readonly LineProvenance[], newKeys: readonly string[], newLines?: readonly string[], oldTexts?: readonly (string | undefined)[]): LineProvenance[] {
  return toLines(carryRuns(oldKeys, fromLines(oldProv), newKeys, newLines, oldTexts));
}

const CLAUDE: Attribution = { agent: 'claude-code', source: 'agent-hook', at: '2026-01-01T11:00:00Z' };
const H: LineProvenance = { kind: 'human' };
const AI: LineProvenance = { kind: 'ai', attribution: CLAUDE };

/** Provenance for `lines` with the 1-based inclusive ranges `ai` AI. */
function prov(count: number, ai: readonly [number, number][]): LineProvenance[] {
  const out = new Array<LineProvenance>(count).fill(H);
  for (const [s, e] of ai) for (let i = s; i <= e; i++) out[i - 1] = AI;
  return out;
}

/** `carry` on line texts, as the working state calls it with an entry that holds the texts of its AI lines. */
function kindsAfter(oldText: string, ai: readonly [number, number][], newText: string, withTexts = true): string[] {
  const a = oldText.split('\n');
  const b = newText.split('\n');
  const p = prov(a.length, ai);
  const texts = withTexts ? a.map((t, i) => (p[i]!.kind === 'human' ? undefined : t)) : undefined;
  return carry(a, p, b, b, texts).map((l) => l.kind);
}

const VALIDATE = [
  'export function validate(input) {',
  '  const errors = [];',
  "  if (!input.name) errors.push('name is required');",
  "  if (input.age < 0) errors.push('age must be positive');",
  '  return errors;',
  '}',
  '',
].join('\n');

/** For each value, whether it is in every / in some longest strictly increasing subsequence of `xs`. */
function longestIncreasing(xs: readonly number[]): { inAll: boolean[]; inSome: boolean[] } {
  const n = xs.length;
  const end = xs.map(() => 1);
  const start = xs.map(() => 1);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) if (xs[j]! < xs[i]!) end[i] = Math.max(end[i]!, end[j]! + 1);
  for (let i = n - 1; i >= 0; i--) for (let j = i + 1; j < n; j++) if (xs[j]! > xs[i]!) start[i] = Math.max(start[i]!, start[j]! + 1);
  const best = Math.max(0, ...end);
  const inSome = xs.map((_, i) => end[i]! + start[i]! - 1 === best);
  const perLevel = new Map<number, number>();
  inSome.forEach((ok, i) => ok && perLevel.set(end[i]!, (perLevel.get(end[i]!) ?? 0) + 1));
  return { inSome, inAll: inSome.map((ok, i) => ok && perLevel.get(end[i]!) === 1) };
}

function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const row = [0];
    for (let j = 0; j < b.length; j++) row.push(x === b[j] ? prev[j]! + 1 : Math.max(prev[j + 1]!, row[j]!));
    prev = row;
  }
  return prev[b.length]!;
}

describe('carry', () => {
  describe('short AI lines next to lines a person deleted', () => {
    it('keeps `return errors;` and `}` AI below AI lines a person deleted', () => {
      const after = VALIDATE.replace("  if (input.age < 0) errors.push('age must be positive');\n", '');
      assert.deepEqual(kindsAfter(VALIDATE, [[1, 6]], after), ['ai', 'ai', 'ai', 'ai', 'ai', 'human']);
    });

    it('keeps them below a human header too, and after lines a person inserted', () => {
      const before = '// utilities\nimport { log } from "./log";\n\n' + VALIDATE;
      const deleted = before.replace("  if (!input.name) errors.push('name is required');\n  if (input.age < 0) errors.push('age must be positive');\n", '');
      assert.deepEqual(kindsAfter(before, [[4, 9]], deleted), ['human', 'human', 'human', 'ai', 'ai', 'ai', 'ai', 'human']);
      const inserted = before.replace('  return errors;', '  log(errors.length);\n  return errors;');
      assert.deepEqual(kindsAfter(before, [[4, 9]], inserted).slice(3), ['ai', 'ai', 'ai', 'ai', 'human', 'ai', 'ai', 'human']);
    });

    it('keeps them AI below one line a person typed in place of several AI lines, which stays human', () => {
      const check = "function check(form) {\n  const errors = [];\n  if (!form.name) errors.push('name is required');\n  if (!form.email) errors.push('email is required');\n  if (form.age < 0) errors.push('age must not be negative');\n  return errors;\n}\n";
      const one = check.replace(/  if \(!form\.name[\s\S]*negative'\);\n/, "  if (!form.valid) errors.push('invalid');\n");
      assert.deepEqual(kindsAfter(check, [[1, 7]], one), ['ai', 'ai', 'human', 'ai', 'ai', 'human']);
    });

    it('gives nothing to the same short lines a person typed among their own new text', () => {
      const person = [
        'export function check(input) {',
        '  const problems = collect(input);',
        '  return errors;',
        '}',
        '',
      ].join('\n');
      assert.deepEqual(kindsAfter(VALIDATE, [[1, 6]], person), ['human', 'human', 'human', 'human', 'human']);
    });
  });

  describe('AI blocks moved outside the recorder', () => {
    const file = ['// helpers', 'export const one = 1;', '', 'function sum(items) {', '  let total = 0;', '  for (const i of items) total += i;', '  return total;', '}', '', '// end', ''].join('\n');
    const moved = ['function sum(items) {', '  let total = 0;', '  for (const i of items) total += i;', '  return total;', '}', '', '// helpers', 'export const one = 1;', '', '// end', ''].join('\n');

    it('follows a block of AI lines to its new place', () => {
      assert.deepEqual(kindsAfter(file, [[4, 8]], moved), ['ai', 'ai', 'ai', 'ai', 'ai', 'human', 'human', 'human', 'human', 'human', 'human']);
      // Entries of an earlier version (line hashes only) move the block just as well.
      assert.deepEqual(kindsAfter(file, [[4, 8]], moved, false).slice(0, 5), ['ai', 'ai', 'ai', 'ai', 'ai']);
    });

    it('never moves a lone `}`, or a short line with it, on its own', () => {
      const a = 'first line of mine\nsecond line of mine\nthird line of mine\nfourth line of mine\n  return null;\n}\nlast line of mine';
      const b = 'first line of mine\n  return null;\n}\nsecond line of mine\nthird line of mine\nfourth line of mine\nlast line of mine';
      assert.deepEqual(kindsAfter(a, [[5, 6]], b), ['human', 'human', 'human', 'human', 'human', 'human', 'human']);
      const c = 'first line of mine\n}\nsecond line of mine\nthird line of mine\nfourth line of mine\n  return null;\nlast line of mine';
      // The `}` alone moved: it is the person's now; `return null;` stayed in order and is still the AI's.
      assert.deepEqual(kindsAfter(a, [[5, 6]], c), ['human', 'human', 'human', 'human', 'human', 'ai', 'human']);
    });
  });

  describe('an AI line a person changed', () => {
    const before = 'const a = 1;\nconst limit = computeLimit(config);\nconst b = 2;\nconst c = 3;\n';
    it('is mixed after a touch-up that keeps some of its text', () => {
      assert.deepEqual(kindsAfter(before, [[2, 2]], before.replace('computeLimit(config)', 'computeLimit(config) * 2')), ['human', 'mixed', 'human', 'human', 'human']);
    });

    it('is human once retyped from scratch', () => {
      assert.deepEqual(kindsAfter(before, [[2, 2]], before.replace('const limit = computeLimit(config);', 'let max = 10;')), ['human', 'human', 'human', 'human', 'human']);
      // Without the recorded text (an entry of an earlier version) the two cannot be told apart: mixed, as before.
      assert.deepEqual(kindsAfter(before, [[2, 2]], before.replace('const limit = computeLimit(config);', 'let max = 10;'), false), ['human', 'mixed', 'human', 'human', 'human']);
    });

    it('finds the touched-up line where a person also wrote lines of their own around it', () => {
      const edited = before.replace('const limit = computeLimit(config);', '// tuned by hand\nconst limit = computeLimit(config) + 1;');
      assert.deepEqual(kindsAfter(before, [[2, 2]], edited), ['human', 'human', 'mixed', 'human', 'human', 'human']);
    });

    it('keeps the short AI lines below an AI line a person touched up', () => {
      const code = '// by hand one\n// by hand two\n// by hand three\n  total = 1;\n  return total;\n}';
      assert.deepEqual(kindsAfter(code, [[4, 6]], code.replace('total = 1;', 'total = 2;')), ['human', 'human', 'human', 'mixed', 'ai', 'ai']);
      // Retyped, the line breaks the witness: the short lines below may be typed again too.
      assert.deepEqual(kindsAfter(code, [[4, 6]], code.replace('total = 1;', 'n = 2;')), ['human', 'human', 'human', 'human', 'human', 'human']);
    });

    it('tells a shared word from shared single characters', () => {
      assert.equal(keepsText('  return total;', '  return sum;'), true);
      assert.equal(keepsText('const calculateTotal = 1;', 'let x = calculateTotals();'), true);
      assert.equal(keepsText('const x = compute(a, b);', 'let total = sum(items);'), false);
      assert.equal(keepsText('# TODO', 'done = True'), false);
    });

    it('takes a line that keeps only a keyword and a name of the old one around new code for a rewrite', () => {
      assert.equal(keepsText('  return Math.max(limit, plan.minimum);', '  return clamp(limit, 1, 100);'), false);
      assert.equal(keepsText('  return Math.max(limit, plan.minimum);', '  return Math.max(limit, plan.floor);'), true);
      const code = 'export function limit(user, plan) {\n  const limit = computeLimit(user, plan);\n  return Math.max(limit, plan.minimum);\n}\n';
      assert.deepEqual(kindsAfter(code, [[2, 3]], code.replace('Math.max(limit, plan.minimum)', 'clamp(limit, 1, 100)')), ['human', 'ai', 'human', 'human', 'human']);
    });
  });

  describe('a formatter changing only whitespace', () => {
    const code = 'export function total(items) {\n  let sum = 0;\n  for (const i of items) sum += i.price;\n  const rounded = Math.round(sum * 100) / 100;\n  if (rounded !== sum) console.warn(sum);\n  return sum;\n}\n';

    it('keeps AI lines AI when the whole file is re-indented, and the person\'s lines human', () => {
      const reindented = code.replace(/^( *)/gm, '$1$1');
      assert.deepEqual(kindsAfter(code, [[4, 5]], reindented), ['human', 'human', 'human', 'ai', 'ai', 'human', 'human', 'human']);
    });

    it('keeps an AI line AI when its trailing whitespace is trimmed or its tabs become spaces', () => {
      const tabbed = 'func main() {\n\tprintln("hello, world")\n\tprintln("bye")\n}\n';
      assert.deepEqual(kindsAfter(tabbed, [[1, 4]], tabbed.replace(/\t/g, '    ')), ['ai', 'ai', 'ai', 'ai', 'human']);
      const trailing = code.replace('/ 100;', '/ 100;   ');
      assert.deepEqual(kindsAfter(trailing, [[4, 5]], code), ['human', 'human', 'human', 'ai', 'ai', 'human', 'human', 'human']);
    });

    it('gives a line a person types afresh elsewhere nothing, even with the text of a deleted AI line', () => {
      const deleted = code.replace('  if (rounded !== sum) console.warn(sum);\n', '').replace('}\n', '}\n\nexport function log(sum) {\n  // by hand\n  if (rounded !== sum)   console.warn(sum);\n  return 0;\n}\n');
      const kinds = kindsAfter(code, [[4, 5]], deleted);
      assert.deepEqual(kinds, ['human', 'human', 'human', 'ai', 'human', 'human', 'human', 'human', 'human', 'human', 'human', 'human', 'human']);
    });
  });

  describe('an agent replacing a person\'s lines', () => {
    const CODEX: Attribution = { agent: 'codex', source: 'agent-hook', at: '2026-01-01T12:00:00Z' };
    const kindsOf = (before: string, after: string): string[] => {
      const t = new LineTracker(before);
      t.applyChanges(changesBetween(before, after), CODEX);
      return t.lines().map((l) => l.kind);
    };

    it('makes lines it rewrote entirely AI even where characters coincide', () => {
      const before = 'def total(items):\n    # TODO\n    pass\n';
      const after = 'def total(items):\n    result = 0\n    for item in items:\n        result += item.price\n    return result\n';
      assert.deepEqual(kindsOf(before, after), ['human', 'ai', 'ai', 'ai', 'ai', 'human']);
    });

    it('keeps a line mixed where a word of the person remains', () => {
      const before = 'def total(items):\n    # TODO\n    pass\n';
      const after = 'def total(items):\n    # TODO: round prices\n    return sum(i.price for i in items)\n    pass\n';
      assert.deepEqual(kindsOf(before, after), ['human', 'mixed', 'ai', 'human', 'human']);
    });
  });

  describe('in the editor', () => {
    const HUMAN_PART = '// helpers\nexport const one = 1;\nexport const two = 2;\nexport const three = 3;\nexport const four = 4;\n';
    const BLOCK = 'export function sum(items: number[]): number {\n  return items.reduce((a, b) => a + b, 0);\n}\n';
    /** A change replacing the whole document, as VS Code may report a reload from disk. */
    const reload = (t: LineTracker, text: string) => {
      const n = t.lineCount - 1;
      const last = t.lineText(n);
      t.applyChanges([{ range: { start: { line: 0, character: 0 }, end: { line: n, character: last.length } }, rangeOffset: 0, rangeLength: t.text().length, text }], undefined);
    };

    it('keeps AI lines AI when a reload from disk brings them moved', () => {
      const t = new LineTracker(HUMAN_PART);
      t.applyChanges([{ range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, rangeOffset: HUMAN_PART.length, rangeLength: 0, text: BLOCK }], CLAUDE);
      assert.deepEqual(t.lines().map((l) => l.kind).slice(5, 8), ['ai', 'ai', 'ai']);
      reload(t, BLOCK + HUMAN_PART);
      assert.deepEqual(t.lines().map((l) => l.kind), ['ai', 'ai', 'ai', 'human', 'human', 'human', 'human', 'human', 'human']);
      assert.equal(t.text(), BLOCK + HUMAN_PART);
      // Undo brings back the document and the authors as they were before the reload.
      t.applyChanges([{ range: { start: { line: 0, character: 0 }, end: { line: 8, character: 0 } }, rangeOffset: 0, rangeLength: (BLOCK + HUMAN_PART).length, text: HUMAN_PART + BLOCK }], undefined, 'undo');
      assert.deepEqual(t.lines().map((l) => l.kind).slice(5, 8), ['ai', 'ai', 'ai']);
    });

    it("leaves a person's lines theirs when they come back moved, and a lone AI `}` moved is theirs", () => {
      const t = new LineTracker(BLOCK + HUMAN_PART);
      reload(t, HUMAN_PART + BLOCK);
      assert.ok(t.lines().every((l) => l.kind === 'human'));
      const u = new LineTracker('a();\nb();\nc();\nd();\n');
      u.applyChanges([{ range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, rangeOffset: 20, rangeLength: 0, text: '}\n' }], CLAUDE);
      reload(u, '}\na();\nb();\nc();\nd();\n');
      assert.ok(u.lines().every((l) => l.kind === 'human'));
    });
  });

  describe('against a model of who wrote each line (property)', () => {
    /** A line of the model: its text, and the index of the recorded line it is (undefined: typed afresh or edited). */
    interface Line {
      readonly text: string;
      readonly origin?: number;
      /** The recorded line a person edited into this one. */
      readonly touched?: number;
    }

    const lineArb = fc.oneof(
      { weight: 3, arbitrary: fc.nat(1000).map((n) => `  const value${n} = compute(${n});`) },
      { weight: 2, arbitrary: fc.nat(1000).map((n) => `  return r${n};`) },
      { weight: 2, arbitrary: fc.constantFrom('}', '', '});', '  return errors;') },
    );
    const opArb = fc.oneof(
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('move' as const), at: fc.nat(), count: fc.integer({ min: 2, max: 5 }), to: fc.nat() }),
      fc.record({ kind: fc.constant('retype' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('touch' as const), at: fc.nat(), count: fc.constant(1) }),
    );

    it('keeps every surviving line in order, moves qualifying blocks, gives nothing to lines typed afresh and never all of an edited line', () => {
      let fresh = 0;
      fc.assert(
        fc.property(fc.array(fc.tuple(lineArb, fc.boolean()), { minLength: 4, maxLength: 30 }), fc.array(opArb, { minLength: 1, maxLength: 6 }), (file, ops) => {
          let lines: Line[] = file.map(([text], i) => ({ text, origin: i }));
          let texts = file.map(([text]) => text);
          let provs: LineProvenance[] = file.map(([text, ai]) => (ai && text !== '' ? AI : H));
          for (const op of ops) {
            const next = lines.map((l, i): Line => ({ text: l.text, origin: i }));
            const at = op.at % (next.length + 1);
            let movedFrom: Line[] = [];
            if (op.kind === 'delete') next.splice(at, op.count);
            else if (op.kind === 'insert') {
              const typed = Array.from({ length: op.count }, (): Line => ({ text: `typed afresh ${fresh++} by a person` }));
              next.splice(at, 0, ...typed);
            } else if (op.kind === 'retype') {
              const typed = next.slice(at, at + op.count).map((): Line => ({ text: `typed afresh ${fresh++} by a person` }));
              next.splice(at, typed.length, ...typed);
            } else if (op.kind === 'touch') {
              if (at < next.length) next[at] = { text: `${next[at]!.text} + ${fresh++}`, touched: at };
            } else {
              movedFrom = next.splice(at, op.count);
              next.splice(op.to % (next.length + 1), 0, ...movedFrom);
            }
            const newTexts = next.map((l) => l.text);
            const oldTexts = texts.map((t, i) => (provs[i]!.kind === 'human' ? undefined : t));
            const out = carry(texts, provs, newTexts, newTexts, oldTexts);
            assert.equal(out.length, next.length);

            // Nothing is carried onto a line typed afresh; a line a person edited is never the AI's alone, and stays theirs.
            next.forEach((l, i) => {
              if (l.touched !== undefined) {
                assert.notEqual(out[i]!.kind, 'ai', `edited line ${i} after ${JSON.stringify(op)}`);
                if (provs[l.touched]!.kind === 'human') assert.equal(out[i]!.kind, 'human', `edited line ${i} after ${JSON.stringify(op)}`);
              } else if (l.origin === undefined) assert.equal(out[i]!.kind, 'human', `typed line ${i} after ${JSON.stringify(op)}`);
            });
            // Lines that stayed in order: those in every longest run of survivors whose origins increase (any other
            // order of the same lines is as good an explanation for them).
            const survivors = next.map((l, i) => [l, i] as const).filter(([l]) => l.origin !== undefined);
            const { inAll, inSome } = longestIncreasing(survivors.map(([l]) => l.origin!));
            // ...and that every longest common subsequence of the texts keeps too (else the texts tell another story as well).
            const full = lcsLength(texts, newTexts);
            const stayed = survivors.filter(([, i], k) => inAll[k] && lcsLength(texts, newTexts.filter((_, j) => j !== i)) < full);
            const unique = (t: string): boolean => texts.filter((x) => x === t).length === 1;
            // Enough survives to witness the order (three lines that are not blank), and the line's text says which line it is.
            // A line replaced in place breaks the witness on purpose (the lines after it may be typed again), unless it is
            // an AI line touched up (a word of it kept): checked after deletes, inserts, moves and such touch-ups.
            const touchedUp = op.kind === 'touch' && next.some((l) => l.touched !== undefined && provs[l.touched]!.kind !== 'human' && /[\p{L}\p{N}_$]{2,}/u.test(texts[l.touched]!));
            if ((op.kind === 'touch' ? touchedUp : op.kind !== 'retype') && stayed.filter(([l]) => l.text !== '').length >= 3) {
              for (const [l, i] of stayed) {
                if (unique(l.text)) assert.deepEqual(out[i], provs[l.origin!], `line ${i} '${l.text}' after ${JSON.stringify(op)}`);
              }
            }
            // A moved block (in no such run) with a distinctive AI line among two non-blank AI lines follows the text.
            const away = new Set(survivors.filter((_, k) => !inSome[k]).map(([l]) => l));
            const movedAi = movedFrom.filter((l) => l.text !== '' && provs[l.origin!]!.kind !== 'human');
            if (movedFrom.every((l) => away.has(l) && unique(l.text)) && movedAi.length >= 2 && movedAi.some((l) => l.text.trim().length >= 16)) {
              for (const l of movedAi) assert.notEqual(out[next.indexOf(l)]!.kind, 'human', `moved line '${l.text}' after ${JSON.stringify(op)}`);
            }
            // A line never becomes AI unless it is a recorded AI line's text (or, as `mixed`, one edited from it).
            out.forEach((p, i) => {
              if (p.kind !== 'human' && next[i]!.touched === undefined) assert.ok(texts.some((t, j) => t === newTexts[i] && provs[j]!.kind !== 'human'), `line ${i} '${newTexts[i]}'`);
            });
            lines = next;
            texts = newTexts;
            provs = out;
          }
        }),
        { numRuns: 500 },
      );
    });
  });
});
