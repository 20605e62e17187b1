// Core modules with heavy dependencies (jsdiff, the config validator), loaded on first use: a commit whose files
// were staged as recorded never needs them, and every millisecond of a hook's Node start-up is felt.
import type * as Carry from '../core/carry';
import type * as Reanchor from '../core/reanchor';
import type { Attribution } from '../core/model';
import type { LineRuns } from '../core/lineRuns';

// Kept once loaded: in the bundle each `require` of an inlined module builds a fresh copy of its exports object,
// which cost seconds when called once per file pair of a commit of thousands of files.
let reanchorModule: typeof Reanchor | undefined;
let carryModule: typeof Carry | undefined;

export function reanchor(oldLines: readonly string[], oldProv: LineRuns, newLines: readonly string[], author?: Attribution): LineRuns {
  reanchorModule ??= require('../core/reanchor') as typeof Reanchor;
  return reanchorModule.reanchor(oldLines, oldProv, newLines, author);
}

function carryCore(): typeof Carry {
  carryModule ??= require('../core/carry') as typeof Carry;
  return carryModule;
}

export function carry(...args: Parameters<typeof Carry.carry>): LineRuns {
  return carryCore().carry(...args);
}

export function movedAcross(oldText: readonly string[], newText: readonly string[], eligible: (oldAt: number) => boolean, open: (newAt: number) => boolean): Map<number, number> {
  return carryCore().movedAcross(oldText, newText, eligible, open);
}
