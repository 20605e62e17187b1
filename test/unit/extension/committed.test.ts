import { strict as assert } from 'node:assert';
import { fromLines, lineAt, toLines } from '../../../src/core/lineRuns';
import type { Attribution, LineProvenance } from '../../../src/core/model';
import { CommittedAttributions } from '../../../src/extension/committed';

const NOTED: Attribution = { agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'agent-hook', session: 'sess-7', at: '2026-01-01T00:00:00.000Z', detail: 'shell' };
const COMMIT = 'a'.repeat(40);

describe('attributions read from history', () => {
  it('show everything the note says and their commit, and stay apart from an equal uncommitted attribution', () => {
    const committed = new CommittedAttributions();
    // Line 1 is recorded in the working state (not committed yet) with the very values the note gives line 0.
    const uncommitted: Attribution = { ...NOTED };
    const recorded: LineProvenance[] = [{ kind: 'human' }, { kind: 'ai', attribution: uncommitted }, { kind: 'human' }];
    const merged = committed.take(fromLines(recorded), { lines: fromLines([{ kind: 'ai', attribution: { ...NOTED } }, { kind: 'human' }, { kind: 'human' }]), commits: [COMMIT] });
    const tracker = committed.tracker('one\ntwo\nthree', merged);
    const infos = tracker.lines().map((l, i) => committed.info(i, l));
    assert.deepEqual(infos[0], { line: 0, kind: 'ai', agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'agent-hook', session: 'sess-7', at: '2026-01-01T00:00:00.000Z', detail: 'shell', commit: COMMIT });
    assert.equal(infos[1]?.commit, undefined, 'the uncommitted line is not taken for the committed one');
    assert.equal(infos[1]?.session, 'sess-7');
    assert.deepEqual(infos[2], { line: 2, kind: 'human' });
    // What is saved to the working state: only the uncommitted line.
    assert.deepEqual(
      toLines(committed.uncommitted(tracker.provenance())).map((l) => l.kind),
      ['human', 'ai', 'human'],
    );
  });

  it('gives a copy of a committed line the same author with its session and detail, not its commit', () => {
    const committed = new CommittedAttributions();
    const merged = committed.take(fromLines([{ kind: 'human' }]), { lines: fromLines([{ kind: 'ai', attribution: { ...NOTED } }]), commits: [COMMIT] });
    const copy = committed.asUncommitted(lineAt(merged, 0).attribution!);
    assert.deepEqual(copy, NOTED);
    assert.equal(committed.commitOf(copy), undefined);
    assert.equal(committed.asUncommitted(lineAt(merged, 0).attribution!), copy, 'one copy attribution per committed one');
  });
});
