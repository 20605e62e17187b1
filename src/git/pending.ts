// Reads the pending AI lines of every file in the working state, without changing anything.
import { promises as fsp } from 'node:fs';
import type { CompiledConfig } from '../core/config';
import { summarizePending, type PendingFile } from '../core/pending';
import { fromRepoPath, type Repo } from './repo';
import type { WorkingState } from './workingState';

export interface PendingOptions {
  /** Paths to leave out (e.g. entries of files that are gone). */
  readonly skip?: ReadonlySet<string>;
  /** The text of a file when it is not the one on disk (an unsaved editor); undefined reads the disk. */
  readonly textOf?: (path: string) => string | undefined;
}

/** Files with AI lines not committed yet, in the working state's order; `missing` lists entries whose file cannot be read. */
export async function readPending(repo: Repo, state: WorkingState, config: CompiledConfig, opts: PendingOptions = {}): Promise<{ files: PendingFile[]; missing: string[] }> {
  const files: PendingFile[] = [];
  const missing: string[] = [];
  for (const path of await state.paths()) {
    if (opts.skip?.has(path) || config.isIgnored(path)) continue;
    let text = opts.textOf?.(path);
    if (text === undefined) {
      try {
        text = await fsp.readFile(fromRepoPath(repo, path), 'utf8');
      } catch {
        missing.push(path);
        continue;
      }
    }
    const recorded = await state.read(path, text);
    const s = recorded && summarizePending(path, recorded, config);
    if (s) files.push(s);
  }
  return { files, missing };
}
