import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import type { Trailer } from '../../../src/core/model';
import { applyTrailers, isOwnedTrailer, parseTrailers } from '../../../src/core/trailers';

const OURS = /^(assisted-by|ai-lines|ai-critical)[ \t]*:|^co-authored-by[ \t]*:.*@ai-provenance\.invalid>[ \t\r]*$/i;

/** The non-blank lines that are not ours (with the continuation lines of ours), in order: what a merge must keep. */
function userLines(message: string): string[] {
  const out: string[] = [];
  let inOurs = false;
  for (const raw of message.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (OURS.test(line)) {
      inOurs = true;
      continue;
    }
    if (inOurs && /^[ \t]/.test(line)) continue;
    inOurs = false;
    if (line.trim() !== '') out.push(line);
  }
  return out;
}

const word = fc.constantFrom('fix', 'charge', 'Note:', 'a.ts', 'x', 'AI-Lines', 'ünïcode');
const prose = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
const ourTrailer: fc.Arbitrary<Trailer> = fc.oneof(
  fc.constantFrom('claude-code:anthropic/claude-opus-4-5', 'copilot', 'cursor').map((value) => ({ token: 'Assisted-by', value })),
  fc.tuple(fc.nat(50), fc.nat(50)).map(([a, b]) => ({ token: 'AI-Lines', value: `${a}/${a + b}` })),
  fc.constantFrom('infra/main.tf', 'billing/charge.ts, infra/main.tf').map((value) => ({ token: 'AI-Critical', value })),
  fc.constantFrom('Codex <codex@ai-provenance.invalid>', 'Claude <noreply@anthropic.com>').map((value) => ({ token: 'Co-authored-by', value })),
);
const userTrailer = fc
  .tuple(fc.constantFrom('Signed-off-by', 'AI-Reviewed-by', 'Fixes', 'Co-authored-by'), fc.constantFrom('Bob <b@x>', '#7', 'Jane <j@x>'))
  .map(([t, v]) => `${t}: ${v}`);
const other = fc.constantFrom('  continued', '# comment', '#', '---', '--- x', '   ', '', '(cherry picked from commit abc)');
const oursInText = ourTrailer.map((t) => `${t.token.toLowerCase() === 'ai-lines' ? 'ai-lines' : t.token}: ${t.value}`);

/** Commit messages of subject, paragraphs of prose and trailers, comments, dividers; with or without trailers of ours. */
function messages(withOurs: boolean): fc.Arbitrary<string> {
  const line = fc.oneof(
    { weight: 3, arbitrary: prose },
    { weight: 3, arbitrary: userTrailer },
    { weight: withOurs ? 3 : 0, arbitrary: oursInText },
    { weight: 1, arbitrary: other },
  );
  return fc
    .record({
      subject: fc.oneof(prose, fc.constant(''), fc.constant('# template')),
      paragraphs: fc.array(fc.array(line, { minLength: 1, maxLength: 5 }), { maxLength: 4 }),
      eol: fc.constantFrom('\n', '\r\n'),
      finalNewline: fc.boolean(),
    })
    .map(({ subject, paragraphs, eol, finalNewline }) => {
      const text = [subject, ...paragraphs.map((p) => p.join(eol))].join(eol + eol);
      return finalNewline ? text + eol : text;
    });
}
const message = messages(true);
const trailerSet = fc.uniqueArray(ourTrailer, { maxLength: 5, selector: (t) => `${t.token}: ${t.value}`.toLowerCase() });

describe('trailers (properties)', () => {
  it('changes nothing when the same trailers are applied twice', () => {
    fc.assert(
      fc.property(message, trailerSet, (m, t) => {
        const once = applyTrailers(m, t);
        assert.equal(applyTrailers(once, t), once);
      }),
      { numRuns: 1500 },
    );
  });

  it('ends up, on amend, the same whatever set an earlier commit got', () => {
    // Only leading blank lines and the final newline may differ ("# c" and "\n# c" both become "\nT\n# c";
    // "fix" becomes "fix\n\nT\n"): git's cleanup of a commit message normalises both.
    const trimStart = (s: string): string => s.replace(/^[ \t\r\n]*(\n|$)/, '').replace(/\r?\n$/, '');
    fc.assert(
      // Co-authored-by lines in an agent's own form are never removed (the agents write them too), so `before` holds only ours.
      fc.property(messages(false), trailerSet.map((s) => s.filter(isOwnedTrailer)), trailerSet, (m, before, t) => {
        assert.equal(trimStart(applyTrailers(applyTrailers(m, before), t)), trimStart(applyTrailers(m, t)));
      }),
      { numRuns: 1500 },
    );
  });

  it('keeps every line of the user\'s text, in order, and adds each of our trailers', () => {
    fc.assert(
      fc.property(message, trailerSet, (m, t) => {
        const out = applyTrailers(m, t);
        // A Co-authored-by line in an agent's own form counts as the user's, yet we may add it: set those aside.
        const added = new Set(t.map((x) => `${x.token}: ${x.value}`.toLowerCase()));
        const notAdded = (l: string): boolean => !added.has(l.toLowerCase());
        assert.deepEqual(userLines(out).filter(notAdded), userLines(m).filter(notAdded));
        const read = parseTrailers(out).map((x) => `${x.token}: ${x.value}`.toLowerCase());
        for (const x of t) assert.ok(read.includes(`${x.token}: ${x.value}`.toLowerCase()), `${x.token}: ${x.value} is read back`);
      }),
      { numRuns: 1500 },
    );
  });

  it('keeps CRLF messages CRLF', () => {
    fc.assert(
      fc.property(message, trailerSet, (m, t) => {
        fc.pre(m.includes('\r\n'));
        assert.doesNotMatch(applyTrailers(m, t), /(^|[^\r])\n/);
      }),
      { numRuns: 1000 },
    );
  });
});
