// The two forms of carrying provenance through a diff's hunks apply one rule: `carryLines` (per line: the working
// state's advance and reanchor) and `carryThrough` (runs with attribution ids: post-rewrite, ci, stats). On random
// old provenance and random hunks with their texts, both must give every new line the same provenance.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { carryLines } from '../../../src/core/carry';
import { carryThrough, type Hunk } from '../../../src/core/lineCarry';
import { fromLines, linesOf } from '../../../src/core/lineRuns';
import { HUMAN, type Attribution, type LineProvenance } from '../../../src/core/model';

const AGENTS: readonly Attribution[] = [
  { agent: 'copilot', model: 'openai/gpt-5', source: 'inline-completion', at: '2026-01-01T10:00:00Z' },
  { agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'agent-hook', at: '2026-01-01T11:00:00Z' },
];
// Few distinct texts, so that hunks often keep, re-space or touch up the lines they replace.
const TEXTS = ['const a = 1;', 'const  a = 1;', 'const a = 2;', 'return a;', '}', '', '  return a + b;', 'return a+b;'];

const lineArb = fc.record({ text: fc.constantFrom(...TEXTS), owner: fc.integer({ min: -1, max: AGENTS.length - 1 }), mixed: fc.boolean() });
const editArb = fc.record({ at: fc.nat(30), remove: fc.nat(4), insert: fc.array(fc.constantFrom(...TEXTS), { maxLength: 5 }) });

function provenanceOf(l: { owner: number; mixed: boolean }): LineProvenance {
  return l.owner < 0 ? HUMAN : { kind: l.mixed ? 'mixed' : 'ai', attribution: AGENTS[l.owner]! };
}

/** Hunks as git prints them (ordered, apart, each with its removed and added texts) and the new version's length. */
function hunksOf(old: readonly string[], edits: readonly { at: number; remove: number; insert: readonly string[] }[]): { hunks: Hunk[]; newCount: number } {
  const hunks: Hunk[] = [];
  let pos = 0;
  let delta = 0;
  for (const e of [...edits].sort((a, b) => a.at - b.at)) {
    const at = Math.max(pos, Math.min(e.at, old.length));
    const remove = Math.min(e.remove, old.length - at);
    if (remove === 0 && e.insert.length === 0) continue;
    if (hunks.length > 0 && at === pos) continue;
    hunks.push({ oldStart: at, oldCount: remove, newStart: at + delta, newCount: e.insert.length, oldLines: old.slice(at, at + remove), newLines: e.insert });
    delta += e.insert.length - remove;
    pos = at + remove;
  }
  return { hunks, newCount: old.length + delta };
}

const show = (p: LineProvenance | undefined): string => (!p || p.kind === 'human' ? 'human' : `${p.kind}:${p.attribution?.agent}`);

describe('carrying through hunks, per line and in runs', () => {
  it('gives every new line the same provenance both ways', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 40 }), fc.array(editArb, { maxLength: 6 }), (lines, edits) => {
        const oldProv = lines.map(provenanceOf);
        const { hunks, newCount } = hunksOf(
          lines.map((l) => l.text),
          edits,
        );
        const perLine = carryLines(oldProv, hunks, newCount).map(show);
        const runs = fromLines(oldProv);
        const inRuns = Array.from(linesOf({ attributions: runs.attributions, runs: carryThrough(runs.runs, hunks, runs.attributions) }, newCount), show);
        assert.deepEqual(inRuns, perLine);
      }),
      { numRuns: 3000 },
    );
  });
});
