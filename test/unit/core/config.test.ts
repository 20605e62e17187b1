import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { compileConfig, type ConfigProblem, DEFAULT_CONFIG, formatProblem, parseConfig, type TeamConfig } from '../../../src/core/config';

const FIXTURES = join(__dirname, '../../fixtures/config');

function problemsOf(text: string): ConfigProblem[] {
  const r = parseConfig(text);
  assert.equal(r.config, undefined, 'a text with problems yields no config');
  assert.ok(r.problems.length > 0, 'expected at least one problem');
  return r.problems;
}

/** The single problem of a text, checked to point at `needle` (the first occurrence after `after`). */
function problemAt(text: string, needle: string, after = 0): ConfigProblem {
  const problems = problemsOf(text);
  assert.equal(problems.length, 1, `expected one problem, got ${JSON.stringify(problems)}`);
  const p = problems[0];
  const offset = text.indexOf(needle, after);
  assert.ok(offset >= 0, `test text lacks ${needle}`);
  assert.equal(p.offset, offset, `problem "${p.message}" should start at ${needle}`);
  assert.equal(p.length, needle.length, `problem "${p.message}" should cover ${needle}`);
  return p;
}

function config(text: string): TeamConfig {
  const r = parseConfig(text);
  assert.deepEqual(r.problems, []);
  assert.ok(r.config);
  return r.config;
}

describe('team config', () => {
  describe('reading a good file', () => {
    it('reads the documented example with comments and trailing commas', () => {
      const c = config(readFileSync(join(FIXTURES, 'example.ai-provenance.json'), 'utf8'));
      assert.deepEqual(c, {
        critical: [
          { paths: ['infra/**', '**/*.tf', 'billing/'], reason: 'Production infrastructure', level: 'block', reviewers: ['jane@example.com'], agents: 'allow' },
          { paths: ['infra/docs/**'], reason: 'Infrastructure docs', level: 'warn', reviewers: [], agents: 'allow' },
        ],
        commands: [],
        trailers: { assistedBy: true, lineCounts: true, coAuthoredBy: false },
        ignore: ['dist/**', '**/*.lock'],
      });
    });

    it('fills in the defaults for every section left out', () => {
      assert.deepEqual(config('{}'), DEFAULT_CONFIG);
      assert.deepEqual(config('{ "trailers": { "coAuthoredBy": true } }').trailers, { assistedBy: true, lineCounts: true, coAuthoredBy: true });
    });

    it('defaults a rule without reviewers to an empty list (anyone but the author)', () => {
      assert.deepEqual(config('{"critical":[{"paths":["a/"],"reason":"r","level":"warn"}]}').critical[0].reviewers, []);
    });

    it('accepts a UTF-8 byte order mark', () => {
      assert.deepEqual(config('\ufeff{"ignore":["dist/"]}').ignore, ['dist/']);
    });

    it('accepts reviewers written as emails, "Name <email>" or "<email>"', () => {
      const c = config('{"critical":[{"paths":["a/"],"reason":"r","level":"block","reviewers":["jane@example.com","Jane Q. Doe <jane@example.com>","<bob@example.com>"]}]}');
      assert.equal(c.critical[0].reviewers.length, 3);
    });
  });

  describe('an empty file', () => {
    for (const [what, text] of [
      ['no bytes', ''],
      ['only whitespace', '  \n\t\n'],
      ['only a comment', '// nothing here\n/* still nothing */'],
      ['only a byte order mark', '\ufeff'],
    ] as const) {
      it(`is an error at 1:1 when the file has ${what}`, () => {
        const [p, ...rest] = problemsOf(text);
        assert.deepEqual(rest, []);
        assert.equal(p.line, 1);
        assert.equal(p.column, 1);
        assert.match(p.message, /empty.*expected a JSON object/);
      });
    }
  });

  describe('syntax errors', () => {
    it('points at the token after a missing comma', () => {
      const text = '{\n  "ignore": ["a/"]\n  "critical": []\n}';
      const [p] = problemsOf(text);
      assert.equal(p.line, 3);
      assert.equal(p.column, 3);
      assert.match(p.message, /syntax error: expected ','/);
    });

    it('points at a missing colon', () => {
      const p = problemsOf('{"ignore" []}')[0];
      assert.equal(p.column, 11);
      assert.match(p.message, /expected ':'/);
    });

    it('names an unexpected character', () => {
      const p = problemsOf('{"ignore": [a]}')[0];
      assert.equal(p.column, 13);
      assert.match(p.message, /unexpected character 'a'/);
    });

    it('reports an unterminated string', () => {
      assert.match(problemsOf('{"ignore": ["dist/**]}')[0].message, /unterminated string/);
    });

    it('reports text after the top-level object', () => {
      const p = problemsOf('{}\n{}').find((x) => /end of the file/.test(x.message));
      assert.ok(p);
      assert.equal(p.line, 2);
      assert.equal(p.column, 1);
    });

    it('reports an unclosed object at the end of the file', () => {
      const text = '{"ignore": []';
      const p = problemsOf(text).find((x) => /expected '}'/.test(x.message));
      assert.ok(p);
      assert.equal(p.offset, text.length);
    });
  });

  describe('wrong types', () => {
    for (const [what, text, needle, expected] of [
      ['an array at the top level', '[{"critical": []}]', '[{"critical": []}]', /top level, got an array/],
      ['a string at the top level', '"infra/**"', '"infra/**"', /expected a JSON object at the top level, got a string/],
      ['null at the top level', 'null', 'null', /got null/],
      ['paths as a string', '{"critical":[{"paths":"infra/**","reason":"r","level":"warn"}]}', '"infra/**"', /critical\[0\]\.paths: expected an array, got a string/],
      ['a number among the paths', '{"critical":[{"paths":["a/", 7],"reason":"r","level":"warn"}]}', '7', /paths\[1\]: expected a string, got a number/],
      ['a boolean trailer setting as a string', '{"trailers":{"assistedBy":"yes"}}', '"yes"', /trailers\.assistedBy: expected a boolean, got a string/],
      ['ignore as an object', '{"ignore":{"dist":true}}', '{"dist":true}', /ignore: expected an array, got an object/],
      ['level as a number', '{"critical":[{"paths":["a/"],"reason":"r","level":2}]}', '2', /level: expected a string, got a number/],
    ] as const) {
      it(`points at ${what}`, () => {
        assert.match(problemAt(text, needle).message, expected);
      });
    }
  });

  describe('unknown values and properties', () => {
    it('points at an unknown level and lists the allowed ones', () => {
      const p = problemAt('{"critical":[{"paths":["a/"],"reason":"r","level":"blocker"}]}', '"blocker"');
      assert.equal(p.message, 'critical[0].level: unknown level "blocker": expected "warn" or "block"');
    });

    it('points at an unknown property in a rule and lists the known ones', () => {
      const p = problemAt('{"critical":[{"paths":["a/"],"reason":"r","level":"warn","reviewer":["a@b.c"]}]}', '"reviewer"');
      assert.equal(p.message, 'critical[0]: unknown property "reviewer": expected paths, reason, level, reviewers or agents');
    });

    it('points at an unknown top-level property', () => {
      const p = problemAt('{"critcal": []}', '"critcal"');
      assert.match(p.message, /^unknown property "critcal": expected \$schema, critical, commands, trailers, ignore or signoff$/);
    });

    it('points at an unknown trailer setting', () => {
      assert.match(problemAt('{"trailers":{"signedOffBy":true}}', '"signedOffBy"').message, /trailers: unknown property "signedOffBy"/);
    });

    it('does not let a __proto__ key through', () => {
      assert.match(problemAt('{"__proto__": {"critical": []}}', '"__proto__"').message, /unknown property "__proto__"/);
    });

    it('points at a repeated property, since only one of them would count', () => {
      const text = '{"ignore": ["a/"], "ignore": ["b/"]}';
      assert.match(problemAt(text, '"ignore"', 5).message, /duplicate property "ignore"/);
    });

    it('names each missing required property of a rule at the rule', () => {
      const text = '{"critical":[ {"paths":["a/"]} ]}';
      const problems = problemsOf(text);
      assert.deepEqual(
        problems.map((p) => [p.message, p.offset]),
        [
          ['critical[0]: missing property "reason"', text.indexOf('{"paths"')],
          ['critical[0]: missing property "level"', text.indexOf('{"paths"')],
        ],
      );
    });

    it('rejects a rule without patterns or without a reason', () => {
      assert.match(problemAt('{"critical":[{"paths":[],"reason":"r","level":"warn"}]}', '[]').message, /paths: expected at least 1 item/);
      assert.match(problemAt('{"critical":[{"paths":["a/"],"reason":"  ","level":"warn"}]}', '"  "').message, /reason must not be empty/);
    });

    it('points at a reviewer that is not an email', () => {
      assert.match(
        problemAt('{"critical":[{"paths":["a/"],"reason":"r","level":"block","reviewers":["Jane Doe"]}]}', '"Jane Doe"').message,
        /reviewers\[0\]: expected an email such as jane@example.com/,
      );
    });
  });

  describe('bad patterns', () => {
    for (const [what, pattern, expected] of [
      ['an empty pattern', '', /must not be empty/],
      ['a blank pattern', '   ', /must not be empty/],
      ['a parent-folder segment', '../secrets/**', /'\.\.' segments are not allowed/],
      ['a parent-folder segment in the middle', 'src/../infra/', /'\.\.' segments/],
      ['a leading ./', './infra/**', /'\.' and '\.\.' segments/],
      ['a Windows absolute path', 'C:/repo/infra/**', /absolute paths are not allowed/],
      ['a negated Windows absolute path', '!D:/x', /absolute paths are not allowed/],
      ['backslashes', 'infra\\\\main.tf', /backslashes are not allowed/],
      ['a lone !', '!', /lone ! negates nothing/],
      ['a comment-like pattern', '#infra', /comment in gitignore syntax/],
      ['a trailing space', 'infra/ ', /trailing spaces/],
      ['a line break', 'infra/\\ndocs/', /line breaks/],
    ] as const) {
      it(`points at ${what} in a rule's paths`, () => {
        const literal = `"${pattern}"`;
        const text = `{\n  "critical": [{ "paths": ["ok/**", ${literal}], "reason": "r", "level": "warn" }]\n}`;
        const p = problemAt(text, literal, text.indexOf('"ok/**"') + 1);
        assert.equal(p.line, 2);
        assert.equal(p.column, text.indexOf(literal) - text.indexOf('\n') );
        assert.match(p.message, /^critical\[0\]\.paths\[1\]: /);
        assert.match(p.message, expected);
      });
    }

    it('points at a bad pattern in the ignore list too', () => {
      assert.match(problemAt('{"ignore": ["dist/**", "../x"]}', '"../x"').message, /^ignore\[1\]: /);
    });

    it('accepts the patterns gitignore users write every day', () => {
      const ok = ['infra/**', '**/*.tf', 'billing/', '/Makefile', 'docs/*.md', '!docs/README.md', 'src/[ab]?.ts', '.github/workflows/', '**/.env*', 'a b/c'];
      assert.deepEqual(config(JSON.stringify({ ignore: ok })).ignore, ok);
    });
  });

  describe('positions', () => {
    it('counts columns in UTF-16 code units, as VS Code does', () => {
      const text = '{"critical":[{"reason":"🚀 launch","paths":["a/"],"level":"x"}]}';
      const p = problemAt(text, '"x"');
      assert.equal(p.column, text.indexOf('"x"') + 1);
      assert.equal(p.column, [...text.slice(0, text.indexOf('"x"'))].length + 2, 'the rocket is two code units');
    });

    it('keeps line and column right after a byte order mark and CRLF line ends', () => {
      const text = readFileSync(join(FIXTURES, 'bom-crlf.ai-provenance.json'), 'utf8');
      assert.equal(text.charCodeAt(0), 0xfeff, 'fixture starts with a BOM');
      const [p] = problemsOf(text);
      assert.equal(p.line, 3);
      assert.equal(p.column, '    { "paths": ["infra/**"], "reason": "Infra", "level": '.length + 1);
      assert.equal(text.slice(1).slice(p.offset, p.offset + p.length), '"blocker"', 'offsets count from after the BOM');
    });

    it('treats a lone carriage return as a line break', () => {
      const p = problemAt('{\r"ignore":\r"x"}', '"x"');
      assert.equal(p.line, 3);
      assert.equal(p.column, 1);
    });
  });

  describe('problems at the end of the text', () => {
    it('stay inside the text where the JSON parser points one past its end (an unterminated comment, a missing value)', () => {
      for (const text of ['#/*', '{"critical": [] /*', '{"critical":']) {
        const problems = problemsOf(text);
        assert.ok(problems.length > 0, text);
        for (const p of problems) assert.ok(p.offset + p.length <= text.length, `${JSON.stringify(text)}: ${p.message} at ${p.offset}+${p.length}`);
      }
      assert.deepEqual(
        problemsOf('#/*').map((p) => [p.message, p.offset, p.length]),
        [
          ["JSON syntax error: unexpected character '#'", 0, 1],
          ["JSON syntax error: unterminated comment: expected '*/'", 1, 2],
          ['JSON syntax error: expected a value', 3, 0],
        ],
      );
    });
  });

  describe('formatProblem', () => {
    it('prints file:line:col: message', () => {
      const [p] = problemsOf('{\n  "critical": 1\n}');
      assert.equal(formatProblem('.ai-provenance.json', p), '.ai-provenance.json:2:15: critical: expected an array, got a number');
    });
  });

  describe('any input', () => {
    it('never throws, gives a config exactly when there are no problems, and keeps every problem on one line inside the text', () => {
      const jsonish = fc.oneof(
        fc.string(),
        fc.json(),
        fc
          .record({
            critical: fc.array(
              fc.record(
                {
                  paths: fc.array(fc.oneof(fc.constantFrom('infra/**', '', '!', '../x', 'a\\b', ' ', '#c'), fc.string()), { maxLength: 3 }),
                  reason: fc.string(),
                  level: fc.constantFrom('warn', 'block', 'error', 1),
                  reviewers: fc.array(fc.constantFrom('jane@example.com', 'Jane <jane@example.com>', 'nobody'), { maxLength: 2 }),
                },
                { requiredKeys: [] },
              ),
              { maxLength: 3 },
            ),
            ignore: fc.array(fc.string(), { maxLength: 3 }),
          })
          .map((v) => JSON.stringify(v, null, 2)),
      );
      // Cutting the text anywhere makes syntax errors at every kind of position.
      const input = fc.tuple(jsonish, fc.nat(), fc.boolean()).map(([t, cut, bom]) => (bom ? '\ufeff' : '') + (cut % 3 === 0 ? t.slice(0, cut % (t.length + 1)) : t));
      fc.assert(
        fc.property(input, (text) => {
          const r = parseConfig(text);
          assert.equal(r.config === undefined, r.problems.length > 0);
          const body = text.startsWith('\ufeff') ? text.slice(1) : text;
          for (const p of r.problems) {
            assert.ok(!/[\r\n]/.test(p.message), p.message);
            assert.ok(p.offset >= 0 && p.offset + p.length <= body.length, `${p.offset}+${p.length} in ${body.length}`);
            const before = body.slice(0, p.offset).split(/\r\n|\r|\n/);
            assert.equal(p.line, before.length);
            assert.equal(p.column, before[before.length - 1].length + 1);
          }
        }),
        { numRuns: 2000 },
      );
    });
  });

  describe('compileConfig', () => {
    const c = compileConfig(config(readFileSync(join(FIXTURES, 'example.ai-provenance.json'), 'utf8')));

    it('finds the rule of a file from any of its patterns', () => {
      assert.equal(c.ruleFor('infra/main.tf')?.index, 0);
      assert.equal(c.ruleFor('modules/net/vpc.tf')?.index, 0);
      assert.equal(c.ruleFor('services/billing/charge.ts')?.index, 0);
      assert.equal(c.ruleFor('src/app.ts'), undefined);
    });

    it('lets a later rule take over part of an earlier area (the last matching rule wins)', () => {
      const hit = c.ruleFor('infra/docs/runbook.md');
      assert.equal(hit?.index, 1);
      assert.equal(hit?.rule.level, 'warn');
    });

    it('honours negation within a rule: the last matching pattern wins', () => {
      const n = compileConfig(config('{"critical":[{"paths":["infra/**","!infra/README.md"],"reason":"r","level":"block"}]}'));
      assert.equal(n.isCritical('infra/main.tf'), true);
      assert.equal(n.isCritical('infra/README.md'), false);
    });

    it('tells ignored paths apart with the same syntax', () => {
      assert.equal(c.isIgnored('dist/cli.js'), true);
      assert.equal(c.isIgnored('web/package.lock'), true);
      assert.equal(c.isIgnored('src/dist.ts'), false);
    });

    it('marks nothing critical and nothing ignored with the defaults', () => {
      const d = compileConfig(DEFAULT_CONFIG);
      assert.equal(d.isCritical('infra/main.tf'), false);
      assert.equal(d.isIgnored('dist/cli.js'), false);
    });

    it('refuses a path that is not repository-relative instead of guessing', () => {
      assert.throws(() => c.ruleFor('/abs/infra/main.tf'), /repository-relative path, got "\/abs\/infra\/main.tf"/);
    });
  });

  describe('guard and sign-off settings (§12, §13)', () => {
    it('reads agents, commands and signoff', () => {
      const c = config(`{
        "critical": [{ "paths": ["infra/**"], "reason": "Prod", "level": "block", "agents": "deny" }],
        "commands": [{ "match": ["terraform destroy", "aws * delete-*"], "reason": "Destroys prod", "agents": "ask" }],
        "signoff": { "method": "ssh", "allowedSigners": ".github/ai-reviewers" }
      }`);
      assert.equal(c.critical[0].agents, 'deny');
      assert.deepEqual(c.commands, [{ match: ['terraform destroy', 'aws * delete-*'], reason: 'Destroys prod', agents: 'ask' }]);
      assert.deepEqual(c.signoff, { method: 'ssh', allowedSigners: '.github/ai-reviewers' });
    });

    it('points at an unknown agents value and lists the allowed ones', () => {
      const p = problemAt('{"critical":[{"paths":["a/"],"reason":"r","level":"warn","agents":"block"}]}', '"block"');
      assert.equal(p.message, 'critical[0].agents: unknown agents "block": expected "allow", "ask" or "deny"');
    });

    it('refuses "allow" for a command rule: a rule that allows is no rule', () => {
      const p = problemAt('{"commands":[{"match":["ls"],"reason":"r","agents":"allow"}]}', '"allow"');
      assert.match(p.message, /commands\[0\]\.agents: unknown agents "allow": expected "ask" or "deny"/);
    });

    it('points at a command pattern that is not one simple command', () => {
      const text = '{"commands":[{"match":["terraform destroy && rm -rf /"],"reason":"r","agents":"deny"}]}';
      const p = problemAt(text, '"terraform destroy && rm -rf /"');
      assert.match(p.message, /^commands\[0\]\.match\[0\]: a command pattern is one simple command/);
    });

    it('points at a pattern that starts with an option instead of the program', () => {
      assert.match(problemAt('{"commands":[{"match":["-rf"],"reason":"r","agents":"deny"}]}', '"-rf"').message, /starts with the program name/);
    });

    it('needs allowedSigners with the ssh method, inside the repository', () => {
      assert.match(problemAt('{"signoff":{"method":"ssh"}}', '{', 11).message, /signoff: missing property "allowedSigners"/);
      assert.match(problemAt('{"signoff":{"method":"ssh","allowedSigners":"../keys"}}', '"../keys"').message, /'\.\.' segments are not allowed/);
    });
  });
});
