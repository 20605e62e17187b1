import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { buildTraceRecord, parseTraceRecord, serializeTraceRecord } from '../../../src/core/agentTrace';
import type { Attribution, CommitFileProvenance } from '../../../src/core/model';
import { noteFile, spelled, type SpelledRun } from '../noteFiles';
import { addsLines, mergeNoteTexts } from '../../../src/core/noteMerge';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const claude: Attribution = { agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'agent-hook', session: 's1', at: '2026-01-23T14:30:00.000Z' };
const copilot: Attribution = { agent: 'copilot', source: 'inline-completion', at: '2026-01-23T14:31:00.000Z' };

const run = (start: number, end: number, attribution: Attribution, kind: SpelledRun['kind'] = 'ai'): SpelledRun => ({ start, end, kind, attribution });

function note(files: CommitFileProvenance[], id = 'id-a', timestamp = '2026-01-23T15:00:00.000Z', revision = SHA): string {
  return serializeTraceRecord(buildTraceRecord({ revision, files, toolVersion: '1.0.0', id, timestamp }));
}

function merged(a: string, b: string): string {
  const r = mergeNoteTexts(a, b);
  if (!r.ok) assert.fail(r.error);
  return r.text;
}

/** path → [agent, kind, first line, last line] per run, 1-based. */
function runsOf(text: string): Record<string, [string, string, number, number][]> {
  const p = parseTraceRecord(text);
  if (!p.ok) assert.fail(p.error);
  return Object.fromEntries(p.files.map((f) => [f.path, spelled(f).map((r) => [r.attribution.agent, r.kind, r.start + 1, r.end] as [string, string, number, number])]));
}

describe('joining two notes on one commit', () => {
  it('takes the union of the line ranges of each file and keeps files only one side has', () => {
    const a = note([noteFile('a.ts', 10, [run(0, 3, claude)])]);
    const b = note([
      noteFile('a.ts', 10, [run(2, 6, claude)]),
      noteFile('b.ts', 2, [run(0, 2, copilot)]),
    ], 'id-b');
    assert.deepEqual(runsOf(merged(a, b)), {
      'a.ts': [['claude-code', 'ai', 1, 6]],
      'b.ts': [['copilot', 'ai', 1, 2]],
    });
  });

  it('keeps both contributors where the notes disagree on a line', () => {
    const a = note([noteFile('a.ts', 5, [run(0, 4, claude)])]);
    const b = note([noteFile('a.ts', 5, [run(2, 5, copilot, 'mixed')])], 'id-b');
    assert.deepEqual(runsOf(merged(a, b)), {
      'a.ts': [
        ['claude-code', 'ai', 1, 4],
        ['copilot', 'mixed', 3, 5],
      ],
    });
  });

  it('refuses to join notes of different commits or an unreadable note, naming why', () => {
    const a = note([noteFile('a.ts', 1, [run(0, 1, claude)])]);
    const other = note([noteFile('a.ts', 1, [run(0, 1, claude)])], 'id-b', undefined, 'f'.repeat(40));
    const bad = mergeNoteTexts(a, other);
    assert.ok(!bad.ok && /different commits/.test(bad.error));
    const broken = mergeNoteTexts(a, '{"version": 1');
    assert.ok(!broken.ok && /invalid JSON/.test(broken.error));
  });

  const attribution = fc.constantFrom(claude, copilot);
  const runs = fc.array(
    fc.tuple(fc.nat(30), fc.integer({ min: 1, max: 8 }), attribution, fc.constantFrom<'ai' | 'mixed'>('ai', 'mixed')).map(([s, n, a, k]) => run(s, s + n, a, k)),
    { maxLength: 6 },
  );
  const files = fc.array(fc.tuple(fc.constantFrom('a.ts', 'b.ts', 'c/d.ts'), runs), { maxLength: 3 }).map((fs) => {
    const byPath = new Map<string, SpelledRun[]>();
    for (const [p, r] of fs) byPath.set(p, [...(byPath.get(p) ?? []), ...r]);
    return [...byPath].map(([path, r]) => noteFile(path, 40, r));
  });
  const noteArb = fc.tuple(files, fc.constantFrom('id-a', 'id-b'), fc.constantFrom('2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z')).map(([f, id, t]) => note(f, id, t));

  /** Every (file, line, agent, kind) a note marks. */
  function marks(text: string): Set<string> {
    const out = new Set<string>();
    for (const [p, rs] of Object.entries(runsOf(text))) for (const [agent, kind, s, e] of rs) for (let l = s; l <= e; l++) out.add(`${p}:${l}:${agent}:${kind}`);
    return out;
  }

  it('gives the same note whichever side is which, and the same again when joined with either side', () => {
    fc.assert(
      fc.property(noteArb, noteArb, (a, b) => {
        const ab = merged(a, b);
        assert.equal(merged(b, a), ab);
        assert.equal(merged(ab, a), ab);
        assert.equal(merged(ab, b), ab);
      }),
    );
  });

  it('loses no line of either side and adds none', () => {
    fc.assert(
      fc.property(noteArb, noteArb, (a, b) => {
        assert.deepEqual([...marks(merged(a, b))].sort(), [...new Set([...marks(a), ...marks(b)])].sort());
      }),
    );
  });

  it('tells whether one side adds a line the other lacks for the same contributor', () => {
    const have: CommitFileProvenance[] = [noteFile('a.ts', 10, [run(0, 3, claude), run(3, 6, claude)])];
    assert.equal(addsLines(have, [noteFile('a.ts', 10, [run(1, 5, claude)])]), false, 'lines already covered, across two runs');
    assert.equal(addsLines(have, [noteFile('b.ts', 1, [])]), false, 'a file with no runs');
    assert.equal(addsLines(have, [noteFile('a.ts', 10, [run(5, 7, claude)])]), true, 'a line past the end');
    assert.equal(addsLines(have, [noteFile('a.ts', 10, [run(1, 2, copilot)])]), true, 'another contributor on a covered line');
    assert.equal(addsLines(have, [noteFile('b.ts', 1, [run(0, 1, claude)])]), true, 'another file');
  });
});
