import * as assert from 'node:assert/strict';
import { parseApplyPatch } from '../../../src/agents/applyPatch';
import { PayloadError } from '../../../src/agents/types';

describe('apply_patch parser', () => {
  it('reads added, updated, moved and deleted files in patch order', () => {
    const p = parseApplyPatch(
      [
        '*** Begin Patch',
        '*** Add File: hello.txt',
        '+Hello world',
        '*** Update File: src/app.py',
        '*** Move to: src/main.py',
        '@@ def greet():',
        '-print("Hi")',
        '+print("Hello, world!")',
        '*** Delete File: obsolete.txt',
        '*** End Patch',
        '',
      ].join('\n'),
    );
    assert.deepEqual(p.writes, [
      { kind: 'write', path: 'hello.txt', content: 'Hello world\n', created: true },
      { kind: 'patch', path: 'src/main.py', hunks: [{ oldLines: ['print("Hi")'], newLines: ['print("Hello, world!")'] }], moveFrom: 'src/app.py' },
      { kind: 'delete', path: 'obsolete.txt' },
    ]);
    assert.deepEqual(p.paths, ['hello.txt', 'src/app.py', 'src/main.py', 'obsolete.txt']);
  });

  it('keeps context lines on both sides of a hunk and splits hunks at @@', () => {
    const p = parseApplyPatch('*** Begin Patch\n*** Update File: a.txt\n@@\n a\n-b\n+B\n c\n@@ later\n x\n+y\n*** End of File\n*** End Patch');
    assert.deepEqual(p.writes[0], {
      kind: 'patch',
      path: 'a.txt',
      hunks: [
        { oldLines: ['a', 'b', 'c'], newLines: ['a', 'B', 'c'] },
        { oldLines: ['x'], newLines: ['x', 'y'], atEnd: true },
      ],
    });
  });

  it('accepts an update whose first hunk has no @@ line, and padded markers', () => {
    const p = parseApplyPatch('  *** Begin Patch\n*** Update File: a.txt\n-b\n+B\n  *** End Patch  \n');
    assert.deepEqual(p.writes[0], { kind: 'patch', path: 'a.txt', hunks: [{ oldLines: ['b'], newLines: ['B'] }] });
  });

  it('rejects a truncated patch', () => {
    assert.throws(() => parseApplyPatch('*** Begin Patch\n*** Add File: a.txt\n+x\n'), (e: Error) => e instanceof PayloadError && /missing '\*\*\* End Patch'/.test(e.message));
  });

  it('rejects text that is not a patch, naming the line', () => {
    assert.throws(() => parseApplyPatch('diff --git a/x b/x\n'), /patch line 1: expected '\*\*\* Begin Patch'/);
    assert.throws(() => parseApplyPatch('*** Begin Patch\n*** Update File: a.txt\n@@\n?what\n*** End Patch'), /patch line 4: unexpected '\?what'/);
  });

  it('rejects an empty patch and an update without hunks', () => {
    assert.throws(() => parseApplyPatch('*** Begin Patch\n*** End Patch\n'), /no file operations/);
    assert.throws(() => parseApplyPatch('*** Begin Patch\n*** Update File: a.txt\n*** End Patch\n'), /has no hunks/);
  });
});
