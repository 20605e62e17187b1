// Core modules with heavy dependencies (jsdiff, the config validator), loaded on first use: a commit whose files
// were staged as recorded never needs them, and every millisecond of a hook's Node start-up is felt.
import type * as Carry from '../core/carry';
import type * as Reanchor from '../core/reanchor';
import type { Attribution, LineProvenance } from '../core/model';

export function reanchor(oldLines: readonly string[], oldProv: readonly LineProvenance[], newLines: readonly string[], author?: Attribution): LineProvenance[] {
  return (require('../core/reanchor') as typeof Reanchor).reanchor(oldLines, oldProv, newLines, author);
}

export function movedAcross(oldText: readonly string[], newText: readonly string[], eligible: (oldAt: number) => boolean, open: (newAt: number) => boolean): Map<number, number> {
  return (require('../core/carry') as typeof Carry).movedAcross(oldText, newText, eligible, open);
}
