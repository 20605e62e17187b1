import * as assert from 'node:assert/strict';
import type { Attribution, CommitFileProvenance } from '../../../src/core/model';
import { addsRuns, joinFileProvenance } from '../../../src/core/traceJoin';

const CLAUDE: Attribution = { agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'agent-hook', at: '2026-01-01T00:00:00.000Z' };
const CODEX: Attribution = { agent: 'codex', source: 'agent-hook', at: '2026-01-02T00:00:00.000Z' };

describe('joining two notes of one commit', () => {
  const ours: CommitFileProvenance[] = [{ path: 'a.ts', addedLines: 10, runs: [{ start: 0, end: 3, kind: 'ai', attribution: CLAUDE }] }];
  const theirs: CommitFileProvenance[] = [
    { path: 'a.ts', addedLines: 12, runs: [{ start: 0, end: 3, kind: 'ai', attribution: CLAUDE }, { start: 2, end: 5, kind: 'mixed', attribution: CODEX }] },
    { path: 'b.ts', addedLines: 1, runs: [{ start: 0, end: 1, kind: 'ai', attribution: CODEX }] },
  ];

  it('keeps every file and both contributors where they disagree on a line; a run both hold appears once', () => {
    assert.deepEqual(joinFileProvenance(ours, theirs), [
      { path: 'a.ts', addedLines: 12, runs: [{ start: 0, end: 3, kind: 'ai', attribution: CLAUDE }, { start: 2, end: 5, kind: 'mixed', attribution: CODEX }] },
      { path: 'b.ts', addedLines: 1, runs: [{ start: 0, end: 1, kind: 'ai', attribution: CODEX }] },
    ]);
  });

  it('is the same whichever side comes first, up to the order of files', () => {
    const sort = (f: CommitFileProvenance[]): CommitFileProvenance[] => [...f].sort((x, y) => x.path.localeCompare(y.path));
    assert.deepEqual(sort(joinFileProvenance(theirs, ours)), sort(joinFileProvenance(ours, theirs)));
  });

  it('tells whether a side adds anything', () => {
    assert.equal(addsRuns(theirs, ours), false);
    assert.equal(addsRuns(ours, theirs), true);
  });
});
