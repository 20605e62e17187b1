// Merges one agent edit into what is recorded for a file: the agent's lines win, every other line keeps its provenance.
import { HUMAN, type Attribution, type LineProvenance } from '../core/model';
import { movedLines } from '../core/carry';
import { splitLines } from '../core/lines';
import { changesBetween } from '../core/reanchor';
import { LineTracker } from '../core/tracker';

/**
 * Provenance of each line of `after` once the agent turned `before` into `written` and something else (a formatter
 * hook running beside ours, a person saving) turned `written` into `after`; `written` is `after` when nothing did.
 * `current` is the recorded provenance already re-anchored to `after` (one entry per line of `after`).
 */
export function attributeEdit(
  before: string,
  written: string,
  after: string,
  current: readonly LineProvenance[],
  author: Attribution,
): LineProvenance[] {
  // Replaying the exact changes through a tracker attributes them at character precision.
  const tracker = new LineTracker(before);
  tracker.applyChanges(changesBetween(before, written), author);
  // What the agent did not write carries no evidence of AI: replayed as a person's edit.
  if (written !== after) tracker.applyChanges(changesBetween(written, after), undefined);
  // Lines the agent only moved keep what is recorded for them: moving a person's code does not make it the agent's.
  const moved = written === after ? movedLines(splitLines(before), splitLines(after)) : undefined;
  return tracker.lines().map((p, i) => (p.kind === 'human' || moved?.has(i) ? (current[i] ?? HUMAN) : p));
}
