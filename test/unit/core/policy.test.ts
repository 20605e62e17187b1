import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileConfig, parseConfig, type CompiledConfig } from '../../../src/core/config';
import { formatIdentity, parseIdentity, sameEmail } from '../../../src/core/identity';
import type { Trailer } from '../../../src/core/model';
import { evaluatePolicy, type PolicyFile } from '../../../src/core/policy';

function compiled(text: string): CompiledConfig {
  const r = parseConfig(text);
  assert.deepEqual(r.problems, []);
  assert.ok(r.config);
  return compileConfig(r.config);
}

const CONFIG = compiled(`{
  "critical": [
    { "paths": ["infra/**", "**/*.tf", "billing/"], "reason": "Production infrastructure", "level": "block", "reviewers": ["Jane Doe <jane@example.com>"] },
    { "paths": ["infra/docs/**"], "reason": "Runbooks", "level": "warn" },
    { "paths": ["auth/"], "reason": "Authentication", "level": "block" },
    { "paths": ["payments/"], "reason": "Payments", "level": "block", "reviewers": ["ann@example.com", "Bob <bob@example.com>"] },
  ],
}`);

const AUTHOR = { name: 'Sam Dev', email: 'sam@example.com' };

function run(files: PolicyFile[], trailers: Trailer[] = [], author: { name?: string; email: string } = AUTHOR) {
  return evaluatePolicy({ files, config: CONFIG, trailers, author });
}

const review = (value: string, token = 'AI-Reviewed-by'): Trailer => ({ token, value });

describe('policy', () => {
  describe('block rules', () => {
    it('refuses AI lines in a blocked path without a review, naming the file, the rule and the way forward', () => {
      const { violations, warnings } = run([{ path: 'infra/main.tf', aiLines: 3 }]);
      assert.deepEqual(warnings, []);
      assert.equal(violations.length, 1);
      const v = violations[0];
      assert.equal(v.level, 'block');
      assert.equal(v.ruleIndex, 0);
      assert.deepEqual(v.files, ['infra/main.tf']);
      assert.match(v.message, /infra\/main\.tf/);
      assert.match(v.message, /critical\[0\] "Production infrastructure" \(block: infra\/\*\*, \*\*\/\*\.tf, billing\/\)/);
      assert.match(v.message, /no AI-Reviewed-by trailer/);
      assert.equal(v.howToFix, 'ask jane@example.com to review, then add "AI-Reviewed-by: Jane Doe <jane@example.com>" to the trailer block at the end of the commit message, next to the Assisted-by: lines (no blank line between them)');
      assert.ok(v.message.endsWith(v.howToFix));
      assert.doesNotMatch(v.message, /\n/);
    });

    it('accepts the commit once an allowed reviewer signs off', () => {
      assert.deepEqual(run([{ path: 'infra/main.tf', aiLines: 3 }], [review('Jane Doe <jane@example.com>')]).violations, []);
    });

    it('matches the trailer token and the reviewer email regardless of case', () => {
      const r = run([{ path: 'billing/charge.ts', aiLines: 1 }], [review('J. Doe <JANE@Example.COM>', 'ai-reviewed-BY')]);
      assert.deepEqual(r.violations, []);
    });

    it('accepts a bare email in the sign-off', () => {
      assert.deepEqual(run([{ path: 'infra/main.tf', aiLines: 1 }], [review('jane@example.com')]).violations, []);
    });

    it('does not count a sign-off by someone not on the reviewers list', () => {
      const [v] = run([{ path: 'infra/main.tf', aiLines: 1 }], [review('Mallory <mallory@example.com>')]).violations;
      assert.match(v.message, /mallory@example\.com is not an allowed reviewer/);
    });

    it('does not count the author signing off their own change, and says so', () => {
      const c = compiled('{"critical":[{"paths":["infra/"],"reason":"Infra","level":"block","reviewers":["sam@example.com","jane@example.com"]}]}');
      const r = evaluatePolicy({ files: [{ path: 'infra/a.tf', aiLines: 2 }], config: c, trailers: [review('Sam Dev <Sam@Example.com>')], author: AUTHOR });
      assert.equal(r.violations.length, 1);
      assert.match(r.violations[0].message, /author's own sign-off, which does not count/);
      assert.equal(r.violations[0].howToFix, 'ask jane@example.com to review, then add "AI-Reviewed-by: Reviewer Name <jane@example.com>" to the trailer block at the end of the commit message, next to the Assisted-by: lines (no blank line between them)');
    });

    it('explains that the author cannot proceed alone when they are the only listed reviewer', () => {
      const c = compiled('{"critical":[{"paths":["infra/"],"reason":"Infra","level":"block","reviewers":["sam@example.com"]}]}');
      const [v] = evaluatePolicy({ files: [{ path: 'infra/a.tf', aiLines: 2 }], config: c, trailers: [], author: AUTHOR }).violations;
      assert.match(v.howToFix ?? '', /add a reviewer other than you to critical\[0\]\.reviewers in \.ai-provenance\.json/);
    });

    it('lets anyone but the author sign off when the rule lists no reviewers', () => {
      const files = [{ path: 'auth/login.ts', aiLines: 5 }];
      assert.deepEqual(run(files, [review('Kim <kim@example.com>')]).violations, []);
      const [v] = run(files, [review('Sam Dev <sam@example.com>')]).violations;
      assert.match(v.message, /sign-off by anyone but the author/);
      assert.match(v.message, /own sign-off, which does not count/);
      assert.match(v.howToFix ?? '', /^ask someone other than the author to review, then add "AI-Reviewed-by: .*" with their name and email to the trailer block at the end of the commit message, next to the Assisted-by: lines \(no blank line between them\)$/);
    });

    it('names every allowed reviewer when there are several', () => {
      const [v] = run([{ path: 'payments/refund.ts', aiLines: 1 }]).violations;
      assert.match(v.howToFix ?? '', /^ask one of ann@example\.com, bob@example\.com to review/);
      assert.match(v.message, /sign-off by one of ann@example\.com, bob@example\.com/);
      assert.deepEqual(run([{ path: 'payments/refund.ts', aiLines: 1 }], [review('Bob <bob@example.com>')]).violations, []);
    });

    it('points out a sign-off without an email', () => {
      const [v] = run([{ path: 'infra/main.tf', aiLines: 1 }], [review('Jane Doe')]).violations;
      assert.match(v.message, /"AI-Reviewed-by: Jane Doe" names no email/);
    });

    it('accepts the commit when any one of several sign-offs is valid', () => {
      const trailers = [review('Sam Dev <sam@example.com>'), review('nobody'), review('Jane Doe <jane@example.com>')];
      assert.deepEqual(run([{ path: 'infra/main.tf', aiLines: 1 }], trailers).violations, []);
    });

    it('ignores other trailers that merely look alike', () => {
      const trailers = [review('Jane Doe <jane@example.com>', 'Reviewed-by'), review('Jane Doe <jane@example.com>', 'Signed-off-by')];
      assert.equal(run([{ path: 'infra/main.tf', aiLines: 1 }], trailers).violations.length, 1);
    });

    it('groups the files of one rule into one finding, in order, without duplicates', () => {
      const r = run([
        { path: 'infra/main.tf', aiLines: 1 },
        { path: 'src/app.ts', aiLines: 9 },
        { path: 'billing/charge.ts', aiLines: 2 },
        { path: 'infra/main.tf', aiLines: 1 },
        { path: 'auth/token.ts', aiLines: 1 },
      ]);
      assert.deepEqual(
        r.violations.map((v) => [v.ruleIndex, v.files]),
        [
          [0, ['infra/main.tf', 'billing/charge.ts']],
          [2, ['auth/token.ts']],
        ],
      );
    });

    it('keeps a long file list readable in the message while listing all files in the finding', () => {
      const files = Array.from({ length: 8 }, (_, i) => ({ path: `infra/m${i}.tf`, aiLines: 1 }));
      const [v] = run(files).violations;
      assert.equal(v.files.length, 8);
      assert.match(v.message, /infra\/m4\.tf and 3 more/);
    });
  });

  describe('warn rules', () => {
    it('warns when AI lines touch a warn path, even where a later warn rule relaxes a block area', () => {
      const { violations, warnings } = run([{ path: 'infra/docs/runbook.md', aiLines: 4 }]);
      assert.deepEqual(violations, []);
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0].level, 'warn');
      assert.equal(warnings[0].ruleIndex, 1);
      assert.match(warnings[0].message, /infra\/docs\/runbook\.md.*critical\[1\] "Runbooks"/);
      assert.equal(warnings[0].howToFix, undefined);
    });
  });

  describe('what never triggers it', () => {
    it('reports nothing for human-only changes to critical files', () => {
      assert.deepEqual(run([{ path: 'infra/main.tf', aiLines: 0 }, { path: 'infra/docs/a.md', aiLines: 0 }]), { violations: [], warnings: [] });
    });

    it('reports nothing for AI lines outside critical paths', () => {
      assert.deepEqual(run([{ path: 'src/app.ts', aiLines: 40 }]), { violations: [], warnings: [] });
    });

    it('reports nothing with the default config', () => {
      const r = evaluatePolicy({ files: [{ path: 'infra/main.tf', aiLines: 1 }], config: compiled('{}'), trailers: [], author: AUTHOR });
      assert.deepEqual(r, { violations: [], warnings: [] });
    });

    it('treats a nonsensical AI line count as no AI lines', () => {
      assert.deepEqual(run([{ path: 'infra/main.tf', aiLines: Number.NaN }, { path: 'billing/x.ts', aiLines: -1 }]).violations, []);
    });
  });

  describe('for any commit', () => {
    const people = ['sam@example.com', 'jane@example.com', 'ann@example.com', 'bob@example.com', 'kim@example.com'];
    const file = fc.record({
      path: fc.constantFrom('infra/main.tf', 'infra/docs/a.md', 'billing/x.ts', 'auth/a.ts', 'payments/p.ts', 'src/app.ts', 'mod/net.tf'),
      aiLines: fc.integer({ min: 0, max: 3 }),
    });
    const trailer = fc.record({
      token: fc.constantFrom('AI-Reviewed-by', 'ai-reviewed-by', 'Reviewed-by'),
      value: fc.oneof(fc.constantFrom(...people).map((e) => `Some One <${e.toUpperCase()}>`), fc.constantFrom(...people), fc.constant('nobody')),
    });
    const commit = fc.record({ files: fc.array(file, { maxLength: 6 }), trailers: fc.array(trailer, { maxLength: 3 }), author: fc.constantFrom(...people) });

    it('blocks a rule exactly when its AI lines lack a review by an allowed reviewer other than the author', () => {
      fc.assert(
        fc.property(commit, ({ files, trailers, author }) => {
          const r = evaluatePolicy({ files, config: CONFIG, trailers, author: { email: author } });
          const blocked = new Set(r.violations.map((v) => v.ruleIndex));
          const reviewers = trailers.filter((t) => t.token.toLowerCase() === 'ai-reviewed-by').map((t) => parseIdentity(t.value)?.email.toLowerCase());
          for (const f of files) {
            const hit = CONFIG.ruleFor(f.path);
            if (!hit || f.aiLines === 0 || hit.rule.level !== 'block') continue;
            const allowed = hit.rule.reviewers.map((x) => parseIdentity(x)?.email);
            const ok = reviewers.some((e) => e !== undefined && e !== author && (allowed.length === 0 || allowed.includes(e)));
            assert.equal(blocked.has(hit.index), !ok, `${f.path} by ${author} with ${JSON.stringify(trailers)}`);
          }
          for (const finding of [...r.violations, ...r.warnings]) {
            assert.ok(finding.files.every((p) => files.some((f) => f.path === p && f.aiLines > 0)), 'only files with AI lines are named');
          }
        }),
        { numRuns: 3000 },
      );
    });

    it('never lets the author clear a violation by signing off themselves', () => {
      fc.assert(
        fc.property(commit, ({ files, trailers, author }) => {
          const before = evaluatePolicy({ files, config: CONFIG, trailers, author: { email: author } }).violations.length;
          const after = evaluatePolicy({ files, config: CONFIG, trailers: [...trailers, review(`Me <${author}>`)], author: { email: author } }).violations.length;
          assert.equal(after, before);
        }),
        { numRuns: 1000 },
      );
    });
  });

  describe('identities', () => {
    it('reads "Name <email>", "<email>" and bare emails', () => {
      assert.deepEqual(parseIdentity('Jane Q. Doe <jane@example.com>'), { name: 'Jane Q. Doe', email: 'jane@example.com' });
      assert.deepEqual(parseIdentity('<jane@example.com>'), { email: 'jane@example.com' });
      assert.deepEqual(parseIdentity('jane@example.com'), { email: 'jane@example.com' });
    });

    it('rejects text without a usable email', () => {
      for (const bad of ['', 'Jane', 'Jane <>', 'Jane <jane>', 'a@b@c', 'Jane <jane@example.com> extra', '<a@b> <c@d>']) {
        assert.equal(parseIdentity(bad), undefined, bad);
      }
    });

    it('writes an identity back the way git does', () => {
      assert.equal(formatIdentity({ name: 'Jane Doe', email: 'jane@example.com' }), 'Jane Doe <jane@example.com>');
      assert.equal(formatIdentity({ email: 'jane@example.com' }), 'jane@example.com');
    });

    it('compares emails without regard to case', () => {
      assert.ok(sameEmail('Jane@Example.com', 'jane@example.COM'));
      assert.ok(!sameEmail('jane@example.com', 'jane@example.org'));
    });
  });
});
