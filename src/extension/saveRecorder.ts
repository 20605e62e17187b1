// Records each save in the editor (path, content hash, time) in the repository's activity log, so that an agent's
// shell command running at the same time is not credited with what a person saved. Free of 'vscode'.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { EDITOR, recordActivity } from '../git/activityLog';
import type { RepoRef } from './store';

export interface SaveRecorderDeps {
  repoFor(fsPath: string): Promise<RepoRef | undefined>;
  /** False in untrusted workspaces: nothing is written. */
  canWrite(): boolean;
  warn(line: string): void;
  now?(): number;
}

export class SaveRecorder {
  constructor(private readonly deps: SaveRecorderDeps) {}

  /** `fsPath` was saved with `text`; called for every save of a file on disk. */
  async saved(fsPath: string, text: string): Promise<void> {
    if (!this.deps.canWrite()) return;
    const at = this.deps.now?.() ?? Date.now();
    try {
      const repo = await this.deps.repoFor(fsPath);
      if (!repo || !agentCallOpen(repo.stateDir)) return;
      const rel = path.relative(repo.root, fsPath).split(path.sep).join('/');
      if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return;
      const sha1 = createHash('sha1').update(text).digest('hex');
      recordActivity(repo.stateDir, { by: EDITOR, kind: 'save', start: at, end: at, files: { [rel]: sha1 } }, at);
    } catch (err) {
      this.deps.warn(`${fsPath}: cannot record the save for agents' shell commands: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** Whether some agent's tool call waits for its after-event: only a save made meanwhile can matter, so no other is written. */
function agentCallOpen(stateDir: string): boolean {
  try {
    return readdirSync(path.join(stateDir, 'snapshots')).some((n) => n.endsWith('.window') || n.endsWith('.json'));
  } catch {
    return false;
  }
}
