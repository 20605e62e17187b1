// Which attributions of the window's trackers came from history (a commit's note), shared by every open document:
// hovers name their commit, saves leave them out of the working state, copies of them are new uncommitted work.
// Free of 'vscode'.
import { attributionKey, type Attribution, type AttributionSource, type LineProvenance } from '../core/model';
import { filterRuns, fromLines, toLines, type LineRuns } from '../core/lineRuns';
import { LineTracker } from '../core/tracker';
import type { CommittedRuns } from './store';

/** One line as the API and hovers report it (0-based). */
export interface LineInfo {
  readonly line: number;
  readonly kind: 'human' | 'ai' | 'mixed';
  readonly agent?: string;
  readonly model?: string;
  readonly source?: AttributionSource;
  readonly session?: string;
  readonly at?: string;
  readonly detail?: string;
  readonly commit?: string;
}

export class CommittedAttributions {
  /** Commit of each attribution that came from history. */
  private readonly commits = new WeakMap<Attribution, string>();
  /** The uncommitted attribution a copy of a committed AI line gets, one per committed attribution. */
  private readonly uncommittedOf = new WeakMap<Attribution, Attribution>();
  /** One attribution object per commit and note attribution, so a tracker sees one author for each. */
  private readonly byKey = new Map<string, Attribution>();

  commitOf(a: Attribution | undefined): string | undefined {
    return a && this.commits.get(a);
  }

  /** A tracker that tells a committed attribution from an equal uncommitted one (a line's copy, what the state records). */
  tracker(text: string, lines?: LineRuns): LineTracker {
    return new LineTracker(text, lines, this.key);
  }

  private readonly key = (a: Attribution): string => {
    const commit = this.commits.get(a);
    return commit === undefined ? attributionKey(a) : `${commit}\0${attributionKey(a)}`;
  };

  /** A copy of a committed AI line is new, uncommitted work by the same author. */
  asUncommitted(a: Attribution): Attribution {
    if (!this.commits.has(a)) return a;
    let fresh = this.uncommittedOf.get(a);
    if (!fresh) {
      fresh = { ...a };
      this.uncommittedOf.set(a, fresh);
    }
    return fresh;
  }

  /** Only uncommitted work belongs in the working state: lines from history are in the notes already. */
  uncommitted(lines: LineRuns): LineRuns {
    return filterRuns(lines, (a) => !this.commits.has(a));
  }

  /** Committed AI lines learn their commit; human lines that history knows as AI take history's attribution. */
  take(current: LineRuns, committed: CommittedRuns): LineRuns {
    const merged = toLines(current);
    for (const run of committed.lines.runs) {
      const noted = committed.lines.attributions[run.id]!;
      const commit = committed.commits[run.id]!;
      for (let i = run.start; i < Math.min(run.end, merged.length); i++) {
        const now = merged[i];
        if (this.commitOf(now.attribution) === commit) continue;
        // A line the editor attributes to another agent keeps what the editor saw.
        if (now.kind !== 'human' && now.attribution && now.attribution.agent !== noted.agent) continue;
        const key = `${commit}\0${attributionKey(noted)}`;
        let attr = this.byKey.get(key);
        if (!attr) {
          // The note's attribution as it is (session, detail, model): the hover shows what the note says.
          attr = noted;
          this.byKey.set(key, attr);
          this.commits.set(attr, commit);
        }
        merged[i] = { kind: now.kind === 'mixed' || run.kind === 'mixed' ? 'mixed' : 'ai', attribution: attr };
      }
    }
    return fromLines(merged);
  }

  info(line: number, p: LineProvenance): LineInfo {
    const a = p.attribution;
    if (p.kind === 'human' || !a) return { line, kind: 'human' };
    const commit = this.commits.get(a);
    return {
      line,
      kind: p.kind,
      agent: a.agent,
      source: a.source,
      at: a.at,
      ...(a.model ? { model: a.model } : {}),
      ...(a.session ? { session: a.session } : {}),
      ...(a.detail ? { detail: a.detail } : {}),
      ...(commit ? { commit } : {}),
    };
  }
}
