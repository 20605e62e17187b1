// Which recorded AI lines a commit took: a line identical to a committed one, in its place, is pending no more.
import type { Attribution } from '../core/model';
import { filterRuns, humanLines, subtract, type LineRuns } from '../core/lineRuns';
import { splitLines } from '../core/lines';
import { reanchor } from './lazyCore';

/** The sentinel reanchor carries along unchanged lines: what survives is a line identical to a committed one. */
const COMMITTED: Attribution = Object.freeze({ agent: 'committed', source: 'import', at: '' });

/** The working-state provenance of `diskText` with every line that now matches the committed text made human. */
export function advancedLines(diskText: string, prov: LineRuns, committedText: string): LineRuns {
  if (diskText === committedText) return humanLines(prov.lineCount);
  const committed = splitLines(committedText);
  const all = { lineCount: committed.length, attributions: [COMMITTED], runs: committed.length > 0 ? [{ start: 0, end: committed.length, kind: 'ai' as const, id: 0 }] : [] };
  const marks = reanchor(committed, all, splitLines(diskText));
  return subtract(prov, filterRuns(marks, (_, kind) => kind === 'ai'));
}
