import * as assert from 'node:assert/strict';
import type { Attribution, CommitFileProvenance, Trailer } from '../../../src/core/model';
import { noteFile, type SpelledRun } from '../noteFiles';
import {
  applyTrailers,
  buildTrailers,
  coAuthorIdentity,
  formatTrailers,
  isOwnedTrailer,
  OWNED_TOKENS,
  parseTrailers,
  type TrailerOptions,
} from '../../../src/core/trailers';

const claude: Attribution = { agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'agent-hook', at: '2026-01-01T00:00:00Z' };
const copilot: Attribution = { agent: 'copilot', source: 'inline-completion', at: '2026-01-01T00:00:00Z' };
const cline: Attribution = { agent: 'cline', source: 'chat-edit', at: '2026-01-01T00:00:00Z' };

function run(start: number, end: number, attribution: Attribution, kind: SpelledRun['kind'] = 'ai'): SpelledRun {
  return { start, end, kind, attribution };
}

function file(path: string, addedLines: number, runs: SpelledRun[]): CommitFileProvenance {
  return noteFile(path, addedLines, runs);
}

const defaults: TrailerOptions = { assistedBy: true, lineCounts: true, coAuthoredBy: false, isCritical: () => false };

const ours: Trailer[] = [
  { token: 'Assisted-by', value: 'claude-code:anthropic/claude-opus-4-5' },
  { token: 'AI-Lines', value: '42/120' },
];

describe('trailers', () => {
  describe('buildTrailers', () => {
    it('writes the example block of the specification', () => {
      const files = [
        file('billing/charge.ts', 60, [run(0, 30, claude), run(40, 45, copilot, 'mixed')]),
        file('infra/main.tf', 20, [run(0, 7, claude)]),
        file('README.md', 40, []),
      ];
      const critical = new Set(['infra/main.tf', 'billing/charge.ts', 'README.md']);
      const got = buildTrailers(files, { ...defaults, isCritical: (p) => critical.has(p) });
      assert.equal(
        formatTrailers(got),
        'Assisted-by: claude-code:anthropic/claude-opus-4-5\n' +
          'Assisted-by: copilot\n' +
          'AI-Lines: 42/120\n' +
          'AI-Critical: billing/charge.ts, infra/main.tf\n',
      );
    });

    it('gives a commit without AI lines no trailers at all', () => {
      assert.deepEqual(buildTrailers([file('a.ts', 10, [])], { ...defaults, coAuthoredBy: true, isCritical: () => true }), []);
      assert.deepEqual(buildTrailers([], defaults), []);
      assert.deepEqual(buildTrailers([file('a.ts', 3, [run(2, 2, claude)])], defaults), [], 'an empty run is no AI line');
    });

    it('lists agents with the most lines first and breaks ties by name', () => {
      const files = [file('a.ts', 30, [run(0, 5, cline), run(5, 10, copilot), run(10, 20, claude)])];
      const agents = buildTrailers(files, defaults).filter((t) => t.token === 'Assisted-by').map((t) => t.value);
      assert.deepEqual(agents, ['claude-code:anthropic/claude-opus-4-5', 'cline', 'copilot']);
    });

    it('names one agent twice when it used two models', () => {
      const other = { ...claude, model: 'anthropic/claude-sonnet-4-5' };
      const files = [file('a.ts', 10, [run(0, 2, claude), run(2, 5, other)])];
      assert.deepEqual(
        buildTrailers(files, { ...defaults, lineCounts: false }).map((t) => t.value),
        ['claude-code:anthropic/claude-sonnet-4-5', 'claude-code:anthropic/claude-opus-4-5'],
      );
    });

    it('counts mixed lines as AI lines', () => {
      const got = buildTrailers([file('a.ts', 10, [run(0, 4, claude, 'mixed')])], { ...defaults, assistedBy: false });
      assert.deepEqual(got, [{ token: 'AI-Lines', value: '4/10' }]);
    });

    it('leaves out a critical file that the commit touches only with human lines', () => {
      const files = [file('infra/a.tf', 5, []), file('infra/b.tf', 5, [run(0, 1, claude)])];
      const got = buildTrailers(files, { ...defaults, isCritical: (p) => p.startsWith('infra/') });
      assert.deepEqual(got.find((t) => t.token === 'AI-Critical'), { token: 'AI-Critical', value: 'infra/b.tf' });
    });

    it('quotes a critical path that would break the comma-separated list', () => {
      const files = [file('a, b.ts', 1, [run(0, 1, claude)]), file('new\nline.ts', 1, [run(0, 1, claude)])];
      const got = buildTrailers(files, { ...defaults, isCritical: () => true });
      assert.equal(got.find((t) => t.token === 'AI-Critical')?.value, '"a, b.ts", "new\\nline.ts"');
    });

    it('keeps a model name with a newline on one trailer line', () => {
      const odd = { ...copilot, model: 'openai/gpt-5\nAI-Lines: 999/999' };
      const got = buildTrailers([file('a.ts', 1, [run(0, 1, odd)])], { ...defaults, lineCounts: false });
      assert.deepEqual(got, [{ token: 'Assisted-by', value: 'copilot:openai/gpt-5 AI-Lines: 999/999' }]);
      assert.equal(parseTrailers(applyTrailers('Subject\n', got)).length, 1);
    });

    it('never reports more AI lines than added lines', () => {
      const got = buildTrailers([file('a.ts', 2, [run(0, 5, claude)])], { ...defaults, assistedBy: false });
      assert.deepEqual(got, [{ token: 'AI-Lines', value: '5/5' }]);
    });

    it('adds Co-authored-by lines only when asked, with each agent\'s own identity', () => {
      const files = [file('a.ts', 30, [run(0, 10, claude), run(10, 15, copilot), run(15, 17, cline), run(17, 18, { ...cline, agent: 'cursor' })])];
      assert.equal(buildTrailers(files, defaults).filter((t) => t.token === 'Co-authored-by').length, 0);
      const co = buildTrailers(files, { ...defaults, coAuthoredBy: true }).filter((t) => t.token === 'Co-authored-by').map((t) => t.value);
      assert.deepEqual(co, [
        'Claude <noreply@anthropic.com>',
        'Copilot <223556219+Copilot@users.noreply.github.com>',
        'Cline <cline@ai-provenance.invalid>',
        'Cursor <cursoragent@cursor.com>',
      ]);
    });

    it('gives agents without a convention an address that can never receive mail', () => {
      assert.equal(coAuthorIdentity('codex'), 'Codex <codex@ai-provenance.invalid>');
      assert.equal(coAuthorIdentity('unknown-ai'), 'Unknown AI <unknown-ai@ai-provenance.invalid>');
      assert.equal(coAuthorIdentity('Some Agent<x>'), 'Some Agentx <some-agent-x@ai-provenance.invalid>');
    });
  });

  describe('ownership', () => {
    it('owns its four tokens in any case, and only the Co-authored-by lines it made up', () => {
      assert.deepEqual([...OWNED_TOKENS], ['Assisted-by', 'AI-Lines', 'AI-Critical', 'AI-Unjudged']);
      assert.ok(isOwnedTrailer({ token: 'ai-unjudged', value: 'node not found' }), 'a judged amend drops the mark');
      assert.ok(isOwnedTrailer({ token: 'ai-lines', value: '1/2' }));
      assert.ok(isOwnedTrailer({ token: 'Co-authored-by', value: 'Codex <codex@ai-provenance.invalid>' }));
      assert.ok(!isOwnedTrailer({ token: 'Co-authored-by', value: 'Claude <noreply@anthropic.com>' }));
      assert.ok(!isOwnedTrailer({ token: 'AI-Reviewed-by', value: 'Jane <jane@example.com>' }));
      assert.ok(!isOwnedTrailer({ token: 'Signed-off-by', value: 'Jane <jane@example.com>' }));
    });
  });

  describe('applyTrailers', () => {
    it('sets the block apart from a message that has none by one blank line', () => {
      assert.equal(applyTrailers('Fix the charge rounding\n', ours), `Fix the charge rounding\n\n${formatTrailers(ours)}`);
      assert.equal(applyTrailers('Subject\n\nBody text.\n', ours), `Subject\n\nBody text.\n\n${formatTrailers(ours)}`);
    });

    it('joins the user\'s own trailers and keeps them in place', () => {
      const msg = 'Subject\n\nBody\n\nAI-Reviewed-by: Jane <jane@example.com>\nSigned-off-by: Bob <bob@example.com>\n';
      assert.equal(applyTrailers(msg, ours), msg + formatTrailers(ours));
    });

    it('changes nothing when applied a second time', () => {
      const once = applyTrailers('Subject\n\nSigned-off-by: Bob <bob@example.com>\n', ours);
      assert.equal(applyTrailers(once, ours), once);
    });

    it('replaces a changed AI-Lines value instead of adding a second one', () => {
      const once = applyTrailers('Subject\n', ours);
      const again = applyTrailers(once, [ours[0], { token: 'AI-Lines', value: '43/121' }]);
      assert.equal(again, 'Subject\n\nAssisted-by: claude-code:anthropic/claude-opus-4-5\nAI-Lines: 43/121\n');
    });

    it('removes its trailers, and the blank line it added, when the commit no longer has AI lines', () => {
      assert.equal(applyTrailers(applyTrailers('Subject\n\nBody\n', ours), []), 'Subject\n\nBody\n');
      const signed = 'Subject\n\nSigned-off-by: Bob <bob@example.com>\n';
      assert.equal(applyTrailers(applyTrailers(signed, ours), []), signed);
    });

    it('replaces our old trailers wherever they sit among the user\'s', () => {
      const msg = 'Subject\n\nassisted-by: cursor\nSigned-off-by: Bob <b@example.com>\nAI-LINES: 1/1\n';
      assert.equal(applyTrailers(msg, ours), `Subject\n\nSigned-off-by: Bob <b@example.com>\n${formatTrailers(ours)}`);
    });

    it('leaves our trailers where they are when they are already the right ones', () => {
      const msg = `Subject\n\n${formatTrailers(ours)}Signed-off-by: Bob <b@example.com>\n`;
      assert.equal(applyTrailers(msg, ours), msg);
    });

    it('puts the trailers before git\'s comment block and keeps the comments', () => {
      const msg = 'Subject\n\n# Please enter the commit message for your changes.\n#\n# On branch main\n';
      assert.equal(applyTrailers(msg, ours), `Subject\n\n${formatTrailers(ours)}\n# Please enter the commit message for your changes.\n#\n# On branch main\n`);
    });

    it('puts the trailers before a --- divider and keeps the patch byte for byte', () => {
      const msg = 'Subject\n\nBody\n---\n a.ts | 2 +-\n\ndiff --git a/a.ts b/a.ts\n';
      assert.equal(applyTrailers(msg, ours), `Subject\n\nBody\n\n${formatTrailers(ours)}---\n a.ts | 2 +-\n\ndiff --git a/a.ts b/a.ts\n`);
    });

    it('keeps a CRLF message CRLF', () => {
      const out = applyTrailers('Subject\r\n\r\nBody\r\n', ours);
      assert.equal(out, 'Subject\r\n\r\nBody\r\n\r\nAssisted-by: claude-code:anthropic/claude-opus-4-5\r\nAI-Lines: 42/120\r\n');
      assert.equal(applyTrailers(out, ours), out);
    });

    it('keeps an empty message well-formed, our trailers before the comments', () => {
      assert.equal(applyTrailers('', ours), `\n${formatTrailers(ours)}`);
      assert.equal(applyTrailers('# Please enter a message\n', ours), `\n${formatTrailers(ours)}# Please enter a message\n`);
      assert.equal(applyTrailers('\n# Please enter a message\n', ours), `\n${formatTrailers(ours)}# Please enter a message\n`);
    });

    it('finishes the last line of a message that ends without a newline', () => {
      assert.equal(applyTrailers('Subject', ours), `Subject\n\n${formatTrailers(ours)}`);
      assert.equal(applyTrailers('Subject\n\nSigned-off-by: B <b@x>', ours), `Subject\n\nSigned-off-by: B <b@x>\n${formatTrailers(ours)}`);
    });

    it('leaves a message untouched when there is nothing to add or remove', () => {
      for (const msg of ['', 'Subject', 'Subject\r\n\r\nBody', '# only a comment\n', 'Subject\n\nSigned-off-by: B <b@x>']) {
        assert.equal(applyTrailers(msg, []), msg);
      }
    });

    it('does not repeat a Co-authored-by line the agent already wrote, nor ever remove it', () => {
      const msg = 'Subject\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n';
      const co = { token: 'Co-authored-by', value: 'Claude <noreply@anthropic.com>' };
      assert.equal(applyTrailers(msg, [ours[0], co]), `${msg}${ours[0].token}: ${ours[0].value}\n`);
      assert.equal(applyTrailers(msg, []), msg);
    });

    it('removes a Co-authored-by line it made up once that agent is gone', () => {
      const msg = applyTrailers('Subject\n', [ours[0], { token: 'Co-authored-by', value: coAuthorIdentity('codex') }]);
      assert.equal(applyTrailers(msg, [ours[0]]), `Subject\n\n${formatTrailers([ours[0]])}`);
    });

    it('treats a paragraph that is mostly prose as body text, not trailers', () => {
      const msg = 'Subject\n\nNote: this paragraph mentions a colon\nbut it is prose.\n';
      assert.equal(applyTrailers(msg, ours), `${msg}\n${formatTrailers(ours)}`);
    });

    it('removes a continuation line together with the trailer it belongs to', () => {
      const msg = 'Subject\n\nAI-Critical: a.ts,\n  b.ts\nSigned-off-by: B <b@x>\n';
      assert.equal(applyTrailers(msg, []), 'Subject\n\nSigned-off-by: B <b@x>\n');
    });

    it('keeps a whitespace-only last line below our trailers, where it cannot cut the block in two', () => {
      const out = applyTrailers('Subject\n\nSigned-off-by: B <b@x>\n   \n', ours);
      assert.equal(out, `Subject\n\nSigned-off-by: B <b@x>\n${formatTrailers(ours)}   \n`);
      assert.deepEqual(parseTrailers(out), [{ token: 'Signed-off-by', value: 'B <b@x>' }, ...ours]);
    });

    it('finishes a final bare --- line so that it stays the divider below our trailers', () => {
      const out = applyTrailers('Subject\n\nBody\n---', ours);
      assert.equal(out, `Subject\n\nBody\n\n${formatTrailers(ours)}---\n`);
      assert.equal(applyTrailers(out, ours), out);
      assert.deepEqual(parseTrailers(out), ours);
      assert.equal(applyTrailers(`Subject\n\n${formatTrailers(ours)}---`, ours), `Subject\n\n${formatTrailers(ours)}---\n`);
    });

    it('takes a trailer that differs only in case as already there, as git does', () => {
      const msg = 'Subject\n\nCo-authored-by: claude <NOREPLY@anthropic.com>\nASSISTED-BY: Claude-Code:Anthropic/Claude-Opus-4-5\nai-lines: 42/120\n';
      const co = { token: 'Co-authored-by', value: 'Claude <noreply@anthropic.com>' };
      assert.equal(applyTrailers(msg, [...ours, co]), msg);
    });

    it('honours another comment character', () => {
      const msg = 'Subject\n\n; Please enter a message\n';
      assert.equal(applyTrailers(msg, ours, { commentChar: ';' }), `Subject\n\n${formatTrailers(ours)}\n; Please enter a message\n`);
    });

    describe('when a sign-off was added as a new paragraph below our trailers', () => {
      const review = 'AI-Reviewed-by: Jane <jane@example.com>';
      const critical: Trailer[] = [...ours, { token: 'AI-Critical', value: 'infra/main.tf' }];

      it('moves our trailers into the sign-off\'s block instead of adding them twice (commit again with -F COMMIT_EDITMSG)', () => {
        const refused = applyTrailers('Change infra\n\nBody\n', critical);
        const edited = `${refused}\n${review}\n`;
        const again = applyTrailers(edited, critical);
        assert.equal(again, `Change infra\n\nBody\n\n${review}\n${formatTrailers(critical)}`);
        assert.deepEqual(parseTrailers(again), [{ token: 'AI-Reviewed-by', value: 'Jane <jane@example.com>' }, ...critical]);
        assert.equal(applyTrailers(again, critical), again, 'a further commit changes nothing');
      });

      it('leaves one set when the message comes back through git log and --amend -m (no final newline)', () => {
        const committed = applyTrailers('Change infra\n', critical).replace(/\n+$/, '');
        const amended = `${committed}\n\n${review}`;
        const out = applyTrailers(amended, critical);
        assert.equal(out, `Change infra\n\n${review}\n${formatTrailers(critical)}`);
        for (const token of ['Assisted-by', 'AI-Lines', 'AI-Critical']) {
          assert.equal(out.split('\n').filter((l) => l.startsWith(`${token}:`)).length, 1, `${token} once in ${JSON.stringify(out)}`);
        }
      });

      it('keeps the user\'s trailers of the upper paragraph and takes only ours out of it', () => {
        const msg = `Subject\n\n${formatTrailers(ours)}Signed-off-by: Bob <bob@example.com>\n\n${review}\n`;
        assert.equal(applyTrailers(msg, ours), `Subject\n\nSigned-off-by: Bob <bob@example.com>\n\n${review}\n${formatTrailers(ours)}`);
      });

      it('removes our trailers from every trailer paragraph above, with the blank lines they leave', () => {
        const msg = `Subject\n\nBody\n\nAssisted-by: cursor\n\nAI-Lines: 1/1\n\n\n${review}\n`;
        assert.equal(applyTrailers(msg, []), `Subject\n\nBody\n\n${review}\n`);
        assert.equal(applyTrailers(msg, ours), `Subject\n\nBody\n\n${review}\n${formatTrailers(ours)}`);
      });

      it('keeps a CRLF message CRLF', () => {
        const msg = `Subject\r\n\r\n${formatTrailers(ours).replace(/\n/g, '\r\n')}\r\n${review}\r\n`;
        assert.equal(applyTrailers(msg, ours), `Subject\r\n\r\n${review}\r\n${formatTrailers(ours).replace(/\n/g, '\r\n')}`);
      });

      it('leaves lines that only look like ours in prose, in the subject, and above a paragraph of prose', () => {
        const prose = 'Subject\n\nAI-Lines: 1/1 was wrong before\nso this fixes it\n\nSigned-off-by: Bob <bob@example.com>\n';
        assert.equal(applyTrailers(prose, []), prose);
        const subject = 'AI-Lines: 1/1\n\nSigned-off-by: Bob <bob@example.com>\n';
        assert.equal(applyTrailers(subject, []), subject);
        const above = `Subject\n\n${formatTrailers(ours)}\nA closing remark.\n\n${review}\n`;
        assert.equal(applyTrailers(above, []), above, 'only a run of trailer paragraphs reaching the end counts');
      });
    });

    it('rejects a token git would not read as a trailer', () => {
      assert.throws(() => applyTrailers('Subject\n', [{ token: 'Not a token', value: 'x' }]), /invalid trailer token 'Not a token'/);
      assert.throws(() => applyTrailers('Subject\n', [{ token: '', value: 'x' }]), /invalid trailer token/);
    });
  });

  describe('parseTrailers', () => {
    it('reads the last paragraph of trailers, tokens as written', () => {
      const msg = 'Subject\n\nBody\n\nassisted-by: copilot\nAI-Lines: 1/2\n';
      assert.deepEqual(parseTrailers(msg), [
        { token: 'assisted-by', value: 'copilot' },
        { token: 'AI-Lines', value: '1/2' },
      ]);
    });

    it('folds continuation lines into the value', () => {
      assert.deepEqual(parseTrailers('S\n\nAI-Critical: a.ts,\n   b.ts\n'), [{ token: 'AI-Critical', value: 'a.ts, b.ts' }]);
    });

    it('finds no trailers in a subject line alone', () => {
      assert.deepEqual(parseTrailers('Signed-off-by: B <b@x>\n'), []);
      assert.deepEqual(parseTrailers(''), []);
    });

    it('skips comments and reads trailers above them', () => {
      assert.deepEqual(parseTrailers('S\n\nAI-Lines: 1/2\n# AI-Lines: 9/9\n\n# more\n'), [{ token: 'AI-Lines', value: '1/2' }]);
    });

    it('stops at a --- divider', () => {
      assert.deepEqual(parseTrailers('S\n\nAI-Lines: 1/2\n---\nFoo: bar\n'), [{ token: 'AI-Lines', value: '1/2' }]);
    });

    it('reads CRLF messages without a stray carriage return', () => {
      assert.deepEqual(parseTrailers('S\r\n\r\nAI-Lines: 1/2\r\n'), [{ token: 'AI-Lines', value: '1/2' }]);
    });

    it('accepts a mostly-prose paragraph when a quarter of it are git-generated trailers', () => {
      const msg = 'S\n\nfirst prose line\nSigned-off-by: B <b@x>\nsecond prose line\nAcked-by: C <c@x>\n';
      assert.deepEqual(parseTrailers(msg), [
        { token: 'Signed-off-by', value: 'B <b@x>' },
        { token: 'Acked-by', value: 'C <c@x>' },
      ]);
    });
  });
});
