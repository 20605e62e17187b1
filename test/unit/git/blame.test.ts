import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { LinePorcelainParser } from '../../../src/git/blame';
import { hookScript } from '../../../src/git/hookScripts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('blame --line-porcelain parser', () => {
  it('reads commit, original and final line and the file name in that commit, per line', () => {
    const p = new LinePorcelainParser();
    const out = [
      `${A} 3 1 2`,
      'author Ann',
      'filename old name.ts',
      '\tfirst',
      `${A} 4 2`,
      'author Ann',
      'filename old name.ts',
      '\tsecond',
      `${B} 1 3 1`,
      'author Bob',
      'filename "q\\"n\\nl \\303\\274.ts"',
      '\t\tindented with a tab',
    ];
    for (const l of out) p.push(l);
    assert.deepEqual(
      p.entries.map((e) => [e.commit[0], e.origLine, e.finalLine, e.filename, e.content]),
      [
        ['a', 3, 1, 'old name.ts', 'first'],
        ['a', 4, 2, 'old name.ts', 'second'],
        ['b', 1, 3, 'q"n\nl ü.ts', '\tindented with a tab'],
      ],
    );
  });

  it('rejects output it does not understand instead of guessing', () => {
    const p = new LinePorcelainParser();
    assert.throws(() => p.push('\tcontent before any header'), /content line without a header/);
    assert.throws(() => new LinePorcelainParser().push('garbage'), /unexpected line/);
  });
});

describe('hook scripts', () => {
  for (const name of ['prepare-commit-msg', 'commit-msg', 'post-commit', 'post-rewrite']) {
    it(`${name} is valid POSIX sh that names the CLI it falls back to`, () => {
      const body = hookScript(name, "/opt/it's here/cli.js");
      assert.match(body, /^#!\/bin\/sh\n/);
      assert.ok(body.includes(`ap_cli='/opt/it'\\''s here/cli.js'`), 'the path is quoted for sh');
      execFileSync('sh', ['-n'], { input: body });
    });
  }

  it('refuses a hook it does not provide', () => {
    assert.throws(() => hookScript('pre-push', '/x'), /no ai-provenance git hook named 'pre-push'/);
  });
});
