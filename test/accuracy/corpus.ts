// Runs the whole corpus against a dist/ build, a few scenarios at a time (each in its own repository).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCorpus, type Scenario, type ScenarioResult } from './harness';
import { corpus } from './scenarios/index';

export async function runAccuracy(dist: string, opts: { only?: string; parallel?: number; keep?: boolean } = {}): Promise<ScenarioResult[]> {
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'aip-accuracy-cache-'));
  try {
    const chosen: readonly Scenario[] = opts.only ? corpus.filter((s) => s.name.includes(opts.only!) || s.classes.includes(opts.only as never)) : corpus;
    // Scenarios wait on git and Node process start-up most of the time: several per core keep the cores busy.
    return await runCorpus(chosen, { dist, cacheDir, keep: opts.keep, parallel: opts.parallel ?? cpus().length * 4 });
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
