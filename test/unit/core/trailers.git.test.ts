// Differential tests: the trailer rules against the real `git interpret-trailers`.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import type { Trailer } from '../../../src/core/model';
import { applyTrailers, formatTrailers, parseTrailers } from '../../../src/core/trailers';

let home = '';

// No user or system configuration may change how git reads trailers.
function gitTrailers(args: string[], input: string, commentChar = '#'): string {
  return execFileSync('git', ['-c', `core.commentChar=${commentChar}`, 'interpret-trailers', ...args], {
    input,
    encoding: 'utf8',
    cwd: home,
    env: { ...process.env, HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: join(home, 'none'), LC_ALL: 'C' },
  });
}

function gitParse(message: string, commentChar = '#'): Trailer[] {
  return gitTrailers(['--parse'], message, commentChar)
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const i = l.indexOf(': ');
      return { token: l.slice(0, i), value: l.slice(i + 2) };
    });
}

function gitApply(message: string, trailers: readonly Trailer[], commentChar = '#'): string {
  const args = ['--if-exists', 'addIfDifferent', ...trailers.flatMap((t) => ['--trailer', `${t.token}: ${t.value}`])];
  return gitTrailers(args, message, commentChar);
}

const lf = (s: string): string => s.replace(/\r\n/g, '\n');

const T: Trailer[] = [
  { token: 'Assisted-by', value: 'claude-code:anthropic/claude-opus-4-5' },
  { token: 'Assisted-by', value: 'copilot' },
  { token: 'AI-Lines', value: '42/120' },
  { token: 'AI-Critical', value: 'billing/charge.ts, infra/main.tf' },
];

type Compare =
  /** Our output is git's, byte for byte. */
  | { kind: 'exact' }
  /** git writes LF lines into a CRLF message; ours stays CRLF and otherwise equals git's output for the LF message. */
  | { kind: 'crlf' }
  /** git rewrites lines we keep byte for byte (comments inside the block, `Token : value`); the trailers read back agree. */
  | { kind: 'same-trailers'; keeps: string }
  /** A deliberate difference, with why. */
  | { kind: 'ours'; expected: string; why: string };

interface Row {
  readonly name: string;
  readonly message: string;
  readonly compare: Compare;
  readonly commentChar?: string;
  /** What removing our trailers again gives, when it is not the original message. */
  readonly afterRemoval?: string;
}

const rows: Row[] = [
  { name: 'subject and body', message: 'Fix rounding\n\nCharges rounded down.\n', compare: { kind: 'exact' } },
  { name: 'subject only', message: 'Fix rounding\n', compare: { kind: 'exact' } },
  {
    name: 'subject without a final newline',
    message: 'Fix rounding',
    compare: {
      kind: 'ours',
      expected: `Fix rounding\n\n${formatTrailers(T)}`,
      why: 'git glues the block to the subject, where it no longer reads as trailers',
    },
    afterRemoval: 'Fix rounding\n',
  },
  { name: 'existing Signed-off-by', message: 'Subject\n\nBody\n\nSigned-off-by: Bob <bob@example.com>\n', compare: { kind: 'exact' } },
  {
    name: 'user trailers including a review sign-off',
    message: 'Subject\n\nBody\n\nAI-Reviewed-by: Jane <jane@example.com>\nFixes: #12\nSigned-off-by: Bob <bob@example.com>\n',
    compare: { kind: 'exact' },
  },
  {
    name: 'our trailers already present',
    message: `Subject\n\n${formatTrailers(T)}Signed-off-by: Bob <bob@example.com>\n`,
    compare: { kind: 'exact' },
    afterRemoval: 'Subject\n\nSigned-off-by: Bob <bob@example.com>\n',
  },
  {
    name: 'a sign-off added as a new paragraph below our trailers',
    message: `Subject\n\nBody\n\n${formatTrailers(T)}\nAI-Reviewed-by: Jane <jane@example.com>\n`,
    compare: {
      kind: 'ours',
      expected: `Subject\n\nBody\n\nAI-Reviewed-by: Jane <jane@example.com>\n${formatTrailers(T)}`,
      why: 'git reads only the last paragraph and so would add our trailers a second time',
    },
    afterRemoval: 'Subject\n\nBody\n\nAI-Reviewed-by: Jane <jane@example.com>\n',
  },
  {
    name: 'git commit template after the message',
    message: 'Subject\n\nBody\n\n# Please enter the commit message for your changes. Lines starting\n# with \'#\' will be ignored.\n#\n# On branch main\n',
    compare: { kind: 'exact' },
  },
  { name: 'empty template as git commit writes it', message: '\n# Please enter the commit message.\n#\n# On branch main\n', compare: { kind: 'exact' } },
  { name: 'empty message', message: '', compare: { kind: 'exact' } },
  {
    name: 'nothing but comments',
    message: '# Please enter the commit message.\n# On branch main\n',
    compare: {
      kind: 'ours',
      expected: `\n${formatTrailers(T)}# Please enter the commit message.\n# On branch main\n`,
      why: 'git splits the comment block after its first line; our trailers go before the whole block',
    },
    afterRemoval: '\n# Please enter the commit message.\n# On branch main\n',
  },
  { name: 'patch after a --- divider', message: 'Subject\n\nBody\n---\n a.ts | 2 +-\n\ndiff --git a/a.ts b/a.ts\n', compare: { kind: 'exact' } },
  {
    name: 'scissors line of git commit --verbose',
    message: 'Subject\n\n# ------------------------ >8 ------------------------\n# Do not modify or remove the line above.\ndiff --git a/a b/a\n',
    compare: { kind: 'exact' },
  },
  { name: 'CRLF message', message: 'Subject\r\n\r\nBody\r\n', compare: { kind: 'crlf' } },
  { name: 'CRLF message with trailers', message: 'Subject\r\n\r\nBody\r\n\r\nSigned-off-by: Bob <b@x>\r\n', compare: { kind: 'crlf' } },
  { name: 'continuation lines', message: 'Subject\n\nFixes: a long\n  description\nSigned-off-by: B <b@x>\n', compare: { kind: 'exact' } },
  {
    name: 'mostly prose with a git-generated trailer',
    message: 'Subject\n\nprose line one\nSigned-off-by: B <b@x>\nprose line two\n',
    compare: { kind: 'exact' },
  },
  { name: 'prose with a colon', message: 'Subject\n\nNote: one line\nthen prose\n', compare: { kind: 'exact' } },
  { name: 'cherry-picked', message: 'Subject\n\nBody\n\n(cherry picked from commit 0123456789abcdef)\n', compare: { kind: 'exact' } },
  { name: 'old-style conflicts block', message: 'Merge branch x\n\nConflicts:\n\tsrc/a.ts\n', compare: { kind: 'exact' } },
  { name: 'trailers ending without a newline', message: 'Subject\n\nSigned-off-by: B <b@x>', compare: { kind: 'exact' }, afterRemoval: 'Subject\n\nSigned-off-by: B <b@x>\n' },
  {
    name: 'a comment inside the trailer block',
    message: 'Subject\n\nSigned-off-by: B <b@x>\n# reviewed on the call\nAcked-by: C <c@x>\n',
    compare: { kind: 'same-trailers', keeps: '# reviewed on the call\n' },
  },
  {
    name: 'a trailer with blanks around the separator',
    message: 'Subject\n\nAcked-by :  C <c@x>\n',
    compare: { kind: 'same-trailers', keeps: 'Acked-by :  C <c@x>\n' },
  },
  { name: 'another comment character', message: 'Subject\n\n; Please enter the message\n', compare: { kind: 'exact' }, commentChar: ';' },
];

describe('trailers against git interpret-trailers', function () {

  before(() => {
    home = mkdtempSync(join(tmpdir(), 'aip-trailers-'));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  for (const row of rows) {
    describe(row.name, () => {
      const cc = row.commentChar ?? '#';

      it('reads the same trailers as git', () => {
        assert.deepEqual(parseTrailers(row.message, { commentChar: cc }), gitParse(row.message, cc));
      });

      it('adds the trailers where git adds them', () => {
        const ours = applyTrailers(row.message, T, { commentChar: cc });
        const c = row.compare;
        switch (c.kind) {
          case 'exact':
            assert.equal(ours, gitApply(row.message, T, cc));
            break;
          case 'crlf':
            assert.equal(lf(ours), gitApply(lf(row.message), T, cc));
            assert.doesNotMatch(ours, /(^|[^\r])\n/, 'every line ends in CRLF');
            break;
          case 'same-trailers':
            assert.deepEqual(parseTrailers(ours, { commentChar: cc }), gitParse(gitApply(row.message, T, cc), cc));
            assert.ok(ours.includes(c.keeps), `keeps ${JSON.stringify(c.keeps)}`);
            break;
          case 'ours':
            assert.equal(ours, c.expected, c.why);
            assert.notEqual(gitApply(row.message, T, cc), ours, 'git still differs here; drop this exception if it no longer does');
            break;
        }
        const owned = new Set(T.map((t) => t.token.toLowerCase()));
        assert.deepEqual(gitParse(ours, cc).filter((t) => owned.has(t.token.toLowerCase())), T, 'git reads our trailers back');
      });

      it('changes nothing when applied twice and gives the message back when the AI lines go', () => {
        const once = applyTrailers(row.message, T, { commentChar: cc });
        assert.equal(applyTrailers(once, T, { commentChar: cc }), once);
        assert.equal(applyTrailers(once, [], { commentChar: cc }), row.afterRemoval ?? row.message);
      });
    });
  }

  describe('on generated messages', () => {
    const word = fc.constantFrom('fix', 'the', 'charge', 'rounding', 'Note:', 'see', 'a.ts', 'x');
    const prose = fc.array(word, { minLength: 1, maxLength: 5 }).map((w) => w.join(' '));
    const token = fc.constantFrom('Signed-off-by', 'Acked-by', 'Fixes', 'AI-Reviewed-by', 'Co-authored-by', 'Refs');
    const value = fc.constantFrom('Bob <bob@example.com>', '#12', 'x', 'Jane <j@example.com>');
    const line = fc.oneof(
      { weight: 3, arbitrary: prose },
      { weight: 4, arbitrary: fc.tuple(token, value).map(([t, v]) => `${t}: ${v}`) },
      { weight: 1, arbitrary: value.map((v) => `  ${v}`) },
      { weight: 1, arbitrary: fc.constantFrom('# a comment', '#', '---', '--- a/x', '(cherry picked from commit abc)', '   ', '') },
    );
    const paragraph = fc.array(line, { minLength: 1, maxLength: 5 });
    const message = fc
      .record({
        subject: prose,
        paragraphs: fc.array(paragraph, { maxLength: 4 }),
        crlf: fc.boolean(),
        finalNewline: fc.boolean(),
      })
      .map(({ subject, paragraphs, crlf, finalNewline }) => {
        const eol = crlf ? '\r\n' : '\n';
        const text = [subject, ...paragraphs.map((p) => p.join(eol))].join(eol + eol);
        return { text: finalNewline ? text + eol : text, crlf, finalNewline };
      });

    it('reads the same trailers as git', () => {
      fc.assert(
        fc.property(message, (m) => {
          assert.deepEqual(parseTrailers(m.text), gitParse(lf(m.text)));
        }),
        { numRuns: 80 },
      );
    });

    it('leaves git reading the user\'s trailers and then ours, as git\'s own merge does', () => {
      fc.assert(
        fc.property(message, (m) => {
          const ours = applyTrailers(m.text, T);
          // A final bare `---` turns into a divider once its line is finished; we read it as git then will.
          const finished = /(^|\n)---$/.test(lf(m.text)) ? `${lf(m.text)}\n` : lf(m.text);
          assert.deepEqual(gitParse(lf(ours)), [...gitParse(finished), ...T]);
          // git drops comment lines inside the block and mishandles a missing final newline; elsewhere it must agree.
          if (m.finalNewline && !/^#/m.test(m.text)) assert.deepEqual(gitParse(lf(ours)), gitParse(gitApply(lf(m.text), T)));
        }),
        { numRuns: 50 },
      );
    });
  });
});
