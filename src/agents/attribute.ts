// Merges one agent edit into what is recorded for a file: the agent's lines win, every other line keeps its provenance.
import { HUMAN, type Attribution, type LineProvenance } from '../core/model';
import { fromLines, toLines, type LineRuns } from '../core/lineRuns';
import { lineDiff, movedLines } from '../core/carry';
import { splitLines } from '../core/lines';
import { changesBetween } from '../core/reanchor';
import { LineTracker } from '../core/tracker';

/**
 * Provenance of each line of `after` once the agent turned `before` into `written` and something else (a formatter
 * hook running beside ours, a person saving) turned `written` into `after`; `written` is `after` when nothing did.
 * `current` is the recorded provenance already re-anchored to `after`; `prior` the recorded provenance of `before`,
 * where known.
 */
export function attributeEdit(
  before: string,
  written: string,
  after: string,
  current: LineRuns,
  author: Attribution,
  prior?: LineRuns,
): LineRuns {
  // Replaying the exact changes through a tracker attributes them at character precision.
  const tracker = new LineTracker(before);
  tracker.applyChanges(changesBetween(before, written), author);
  // What the agent did not write carries no evidence of AI: replayed as a person's edit.
  if (written !== after) tracker.applyChanges(changesBetween(written, after), undefined);
  // Lines the agent only moved keep what is recorded for them: moving a person's code does not make it the agent's.
  const moved = written === after ? movedLines(splitLines(before), splitLines(after)) : undefined;
  const whole = written === after ? replacedWhole(before, after, prior && toLines(prior)) : undefined;
  const agentAi: LineProvenance = { kind: 'ai', attribution: author };
  const recorded = toLines(current);
  return fromLines(
    tracker.lines().map((p, i) => {
      if (p.kind === 'human' || moved?.has(i)) return recorded[i] ?? HUMAN;
      return p.kind === 'mixed' && p.attribution === author && whole?.has(i) ? agentAi : p;
    }),
  );
}

/**
 * Lines of `after` the agent wrote in place of whole lines, not into a person's line: those of a hunk that changed the
 * number of lines (a replacement, not a touch-up), or that replaced an AI line in place (`prior`: what was recorded
 * for `before`), whose text then is all AI's.
 */
function replacedWhole(before: string, after: string, prior: readonly LineProvenance[] | undefined): Set<number> {
  const whole = new Set<number>();
  const oldLines = splitLines(before);
  // Too different to align (see lineDiff): nothing is taken for replaced whole.
  const parts = lineDiff(oldLines, splitLines(after));
  if (!parts) return whole;
  let oldAt = 0;
  let newAt = 0;
  let removed = 0;
  let added = 0;
  const known = prior !== undefined && prior.length === oldLines.length;
  const flush = (): void => {
    // Lines edited in place pair in order (as the character diff replays them), each judged by its own old line.
    for (let j = 0; j < added; j++) if (removed > 0 && (removed !== added || (known && prior[oldAt - removed + j]?.kind === 'ai'))) whole.add(newAt - added + j);
    removed = 0;
    added = 0;
  };
  for (const part of parts) {
    if (part.removed) {
      removed += part.count;
      oldAt += part.count;
    } else if (part.added) {
      added += part.count;
      newAt += part.count;
    } else {
      flush();
      oldAt += part.count;
      newAt += part.count;
    }
  }
  flush();
  return whole;
}
