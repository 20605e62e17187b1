import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PorcelainParser } from '../../../src/git/blame';
import { hookScript } from '../../../src/git/hookScripts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('blame porcelain parser', () => {
  it('reads commit, original and final line and the file name in that commit, per line', () => {
    const p = new PorcelainParser();
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

  it('reads --porcelain, which names a commit\'s file once, exactly as --line-porcelain, across a rename', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'aip-blame-'));
    try {
      const git = (...a: string[]): string =>
        execFileSync('git', a, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@x' } });
      git('init', '-q');
      writeFileSync(path.join(dir, 'old name.ts'), 'a\nb\nc\nd\n');
      git('add', '.');
      git('commit', '-qm', 'one');
      git('mv', 'old name.ts', 'new "ü".ts');
      writeFileSync(path.join(dir, 'new "ü".ts'), 'a\nB\nc\nd\ne\n');
      git('commit', '-qam', 'two');
      writeFileSync(path.join(dir, 'new "ü".ts'), 'a\nB\nc\nD\ne\n');
      git('commit', '-qam', 'three');
      const parse = (flag: string): PorcelainParser => {
        const p = new PorcelainParser();
        for (const l of git('blame', flag, '--', 'new "ü".ts').split('\n')) p.push(l);
        return p;
      };
      const line = parse('--line-porcelain').entries;
      assert.deepEqual(parse('--porcelain').entries, line);
      assert.deepEqual(
        line.map((e) => [e.finalLine, e.origLine, e.filename, e.content]),
        [
          [1, 1, 'old name.ts', 'a'],
          [2, 2, 'new "ü".ts', 'B'],
          [3, 3, 'old name.ts', 'c'],
          [4, 4, 'new "ü".ts', 'D'],
          [5, 5, 'new "ü".ts', 'e'],
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects output it does not understand instead of guessing', () => {
    const p = new PorcelainParser();
    assert.throws(() => p.push('\tcontent before any header'), /content line without a header/);
    assert.throws(() => new PorcelainParser().push('garbage'), /unexpected line/);
  });
});

describe('hook scripts', () => {
  for (const name of ['prepare-commit-msg', 'commit-msg', 'post-commit', 'post-rewrite', 'pre-push']) {
    it(`${name} is valid POSIX sh that names the CLI it falls back to`, () => {
      const body = hookScript(name, "/opt/it's here/cli.js");
      assert.match(body, /^#!\/bin\/sh\n/);
      assert.ok(body.includes(`ap_cli='/opt/it'\\''s here/cli.js'`), 'the path is quoted for sh');
      execFileSync('sh', ['-n'], { input: body });
    });
  }

  it('refuses a hook it does not provide', () => {
    assert.throws(() => hookScript('pre-commit', '/x'), /no ai-provenance git hook named 'pre-commit'/);
  });
});
