// InsightBuilder.rejudge, on generated histories where agents tie in a week (one line each, three agents, a few
// weeks): a builder resumed from a snapshot that applies changed notes gives what a builder fed the whole history
// with the new notes gives, before and after more commits on top and through another snapshot, or says it cannot
// (RejudgeMiss) — never other figures.
import { strict as assert } from 'node:assert';
import { compileConfig, parseConfig } from '../../../src/core/config';
import { InsightBuilder, RejudgeMiss, type CommitFacts, type FileDiff, type HistoryCommit, type NoteFile, type TreeEntry } from '../../../src/core/insight';

const config = compileConfig(parseConfig(JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'Infra', level: 'block' }], ignore: ['gen/**'] })).config!);
const AGENTS = ['claude-code', 'copilot', 'codex'];
const FILES = ['src/a.ts', 'src/b.ts', 'infra/c.tf', 'gen/d.ts'];

function random(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

interface Made {
  readonly commits: HistoryCommit[];
  readonly tip: TreeEntry[];
  /** Appends a commit (with a note or none) to the history. */
  readonly more: (note: boolean) => void;
}

/** Commits appending 1 to 3 lines to a file and sometimes rewriting one, some with notes; four days apart or closer. */
function history(seed: number, n: number): Made & { readonly rnd: (n: number) => number; readonly noteFor: (c: HistoryCommit) => NoteFile[] | undefined } {
  const rnd = random(seed);
  const lines = new Map<string, number>();
  const blobs = new Map<string, string>();
  const commits: HistoryCommit[] = [];
  let time = 1_767_000_000;
  const noteFor = (c: HistoryCommit): NoteFile[] | undefined => {
    const files: NoteFile[] = [];
    for (const d of c.diffs[0]!) {
      const attributions: NoteFile['attributions'][number][] = [];
      const runs = [];
      for (const h of d.hunks) {
        for (let k = h.newStart; k < h.newStart + h.newCount; k++) {
          if (rnd(3) === 0) continue;
          runs.push({ start: k, end: k + 1, kind: rnd(4) === 0 ? ('mixed' as const) : ('ai' as const), id: attributions.push({ agent: AGENTS[rnd(AGENTS.length)]!, ...(rnd(2) === 0 && { model: 'm/x' }) }) - 1 });
        }
      }
      if (runs.length > 0) files.push({ path: d.path, attributions, runs });
    }
    return files.length > 0 ? files : undefined;
  };
  const more = (note: boolean): void => {
    const path = FILES[rnd(FILES.length)]!;
    const before = lines.get(path) ?? 0;
    const add = 1 + rnd(3);
    const hunks = [];
    if (before > 2 && rnd(2) === 0) {
      const k = rnd(before);
      hunks.push({ oldStart: k, oldCount: 1, newStart: k, newCount: 1 });
    }
    hunks.push({ oldStart: before, oldCount: 0, newStart: before, newCount: add });
    const i = commits.length;
    const blob = `${path}@${i}`;
    const d: FileDiff = { path, oldBlob: blobs.get(path) ?? '0', newBlob: blob, status: before === 0 && !blobs.has(path) ? 'A' : 'M', text: true, hunks };
    lines.set(path, before + add);
    blobs.set(path, blob);
    time += rnd(3) * 86400 + 60;
    const kind = rnd(10);
    const trailers = kind === 0 ? [{ token: 'Assisted-by', value: 'cursor' }, { token: 'AI-Lines', value: `${add}/${add}` }] : kind === 1 ? [{ token: 'AI-Unjudged', value: 'hook failed' }] : kind === 2 ? [{ token: 'AI-Reviewed-by', value: 'rev@example.com' }] : [];
    const facts: CommitFacts = { parents: i === 0 ? [] : [`c${i - 1}`], authorName: `A${rnd(2)}`, authorEmail: `a${rnd(2)}@example.com`, time, subject: `c${i}`, trailers, diffs: [[d]] };
    const c: HistoryCommit = { sha: `c${i}`, ...facts, inRange: true };
    const n = note && rnd(2) === 0 ? noteFor(c) : undefined;
    commits.push(n ? { ...c, note: n } : c);
  };
  for (let i = 0; i < n; i++) more(true);
  const tip = (): TreeEntry[] => [...blobs].map(([path, blob]) => ({ path, blob, mode: '100644' }));
  return {
    commits,
    get tip() {
      return tip();
    },
    more,
    rnd,
    noteFor,
  };
}

function fed(commits: readonly HistoryCommit[]): InsightBuilder {
  const b = new InsightBuilder(config);
  for (const c of commits) b.add(c);
  return b;
}

const json = (b: InsightBuilder, tip: readonly TreeEntry[]): string => JSON.stringify(b.finish({ sha: 'tip', tree: tip }));

describe('InsightBuilder.rejudge', () => {
  it('gives what a pass with the new notes gives, or says it cannot, where agents tie in a week', () => {
    let applied = 0;
    let refused = 0;
    for (let seed = 1; seed <= 120; seed++) {
      const h = history(seed, 40);
      const first = fed(h.commits);
      let snap = first.snapshot(h.tip.map((e) => e.blob));
      // One to three commits' notes added, changed or removed.
      const changed = new Set<number>();
      for (let k = 0; k <= h.rnd(3); k++) changed.add(h.rnd(h.commits.length));
      const changes = [...changed].map((index) => {
        const c = h.commits[index]!;
        const after = h.rnd(4) === 0 ? undefined : h.noteFor(c);
        const { sha, note, inRange: _, ...facts } = c;
        h.commits[index] = after ? { ...c, note: after } : (({ note: _n, ...rest }) => rest)(c);
        return { sha, index, facts, ...(note && { before: note }), ...(after && { after }) };
      });
      const resumed = InsightBuilder.resume(config, snap);
      try {
        resumed.rejudge(changes);
      } catch (err) {
        if (!(err instanceof RejudgeMiss)) throw err;
        refused++;
        continue;
      }
      applied++;
      assert.equal(json(resumed, h.tip), json(fed(h.commits), h.tip), `history ${seed}: after the notes changed`);
      // Through another snapshot, and with commits on top.
      snap = resumed.snapshot(h.tip.map((e) => e.blob));
      const again = InsightBuilder.resume(config, snap);
      const from = h.commits.length;
      for (let k = 0; k < 3; k++) h.more(true);
      for (const c of h.commits.slice(from)) again.add(c);
      assert.equal(json(again, h.tip), json(fed(h.commits), h.tip), `history ${seed}: commits on top`);
    }
    assert.ok(applied > 60, `${applied} applied, ${refused} refused`);
  });

  it('refuses a merge and a note whose runs share lines', () => {
    const h = history(5, 10);
    const b = fed(h.commits);
    const resume = (): InsightBuilder => InsightBuilder.resume(config, b.snapshot(h.tip.map((e) => e.blob)));
    const c = h.commits[4]!;
    const { sha, note: _n, inRange: _, ...facts } = c;
    assert.throws(() => resume().rejudge([{ sha, index: 4, facts: { ...facts, parents: ['c3', 'c1'] } }]), RejudgeMiss);
    const path = c.diffs[0]![0]!.path;
    const at = c.diffs[0]![0]!.hunks.at(-1)!.newStart;
    const twice: NoteFile[] = [{ path, attributions: [{ agent: 'codex' }], runs: [0, 0].map(() => ({ start: at, end: at + 1, kind: 'ai' as const, id: 0 })) }];
    assert.throws(() => resume().rejudge([{ sha, index: 4, facts, after: twice }]), RejudgeMiss);
  });
});
