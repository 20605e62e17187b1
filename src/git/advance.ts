// Which recorded AI lines a commit took: a line identical to a committed one, in its place, is pending no more.
import { HUMAN, type Attribution, type LineProvenance } from '../core/model';
import { splitLines } from '../core/lines';
import { reanchor } from './lazyCore';

/** The sentinel reanchor carries along unchanged lines: what survives is a line identical to a committed one. */
const COMMITTED: Attribution = Object.freeze({ agent: 'committed', source: 'import', at: '' });

/** The working-state provenance of `diskText` with every line that now matches the committed text made human. */
export function advancedLines(diskText: string, prov: readonly LineProvenance[], committedText: string): LineProvenance[] {
  if (diskText === committedText) return prov.map(() => HUMAN);
  const committed = splitLines(committedText);
  const marks = reanchor(committed, committed.map(() => ({ kind: 'ai' as const, attribution: COMMITTED })), splitLines(diskText));
  return prov.map((p, i) => (marks[i]?.kind === 'ai' ? HUMAN : p));
}
