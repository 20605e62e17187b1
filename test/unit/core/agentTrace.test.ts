import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import * as fc from 'fast-check';
import { ATTRIBUTION_SOURCES, type Attribution, type CommitFileProvenance } from '../../../src/core/model';
import { noteFile, type SpelledRun } from '../noteFiles';
import {
  buildTraceRecord,
  METADATA_KEY,
  notePathProblem,
  parseTraceRecord,
  serializeTraceRecord,
  type TraceRecord,
} from '../../../src/core/agentTrace';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'agent-trace');
const schema: object = JSON.parse(readFileSync(join(fixtures, 'trace-record.schema.json'), 'utf8'));
const exampleJson = readFileSync(join(fixtures, 'example-record.json'), 'utf8');

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);

function assertValid(record: unknown): void {
  if (!validate(record)) assert.fail(`schema violations: ${ajv.errorsText(validate.errors)}`);
}

const SHA = '0123456789abcdef0123456789abcdef01234567';
const ID = '550e8400-e29b-41d4-a716-446655440000';
const claude: Attribution = {
  agent: 'claude-code',
  model: 'anthropic/claude-opus-4-5',
  source: 'agent-hook',
  session: 'sess-1',
  at: '2026-01-23T14:30:00.000Z',
};
const copilot: Attribution = { agent: 'copilot', source: 'inline-completion', at: '2026-01-23T14:31:00.000Z' };

const run = (start: number, end: number, attribution: Attribution, kind: SpelledRun['kind'] = 'ai'): SpelledRun => ({ start, end, kind, attribution });

function build(files: CommitFileProvenance[]): TraceRecord {
  return buildTraceRecord({ revision: SHA, files, toolVersion: '1.2.3', id: ID, timestamp: '2026-01-23T15:00:00.000Z' });
}

function parsed(json: string) {
  const r = parseTraceRecord(json);
  if (!r.ok) assert.fail(`expected a record, got: ${r.error}`);
  return r;
}

function parseError(json: string): string {
  const r = parseTraceRecord(json);
  if (r.ok) assert.fail('expected an error');
  assert.doesNotMatch(r.error, /\n/, 'the error is one line');
  return r.error;
}

describe('agent trace', () => {
  describe('buildTraceRecord', () => {
    const files: CommitFileProvenance[] = [
      noteFile('src/b.ts', 12, [run(9, 12, copilot, 'mixed'), run(0, 3, claude)]),
      noteFile('src/a.ts', 40, [run(4, 10, claude), run(20, 21, copilot)]),
      noteFile('README.md', 5, []),
    ];

    it('describes the commit, the tool and each file\'s AI lines, 1-based and inclusive', () => {
      const r = build(files);
      assertValid(r);
      assert.equal(r.version, '0.1.0');
      assert.equal(r.id, ID);
      assert.deepEqual(r.vcs, { type: 'git', revision: SHA });
      assert.deepEqual(r.tool, { name: 'ai-provenance', version: '1.2.3' });
      assert.deepEqual(r.files, [
        {
          path: 'src/a.ts',
          conversations: [
            { contributor: { type: 'ai', model_id: 'anthropic/claude-opus-4-5' }, ranges: [{ start_line: 5, end_line: 10 }] },
            { contributor: { type: 'ai' }, ranges: [{ start_line: 21, end_line: 21 }] },
          ],
        },
        {
          path: 'src/b.ts',
          conversations: [
            { contributor: { type: 'ai', model_id: 'anthropic/claude-opus-4-5' }, ranges: [{ start_line: 1, end_line: 3 }] },
            { contributor: { type: 'mixed' }, ranges: [{ start_line: 10, end_line: 12 }] },
          ],
        },
      ]);
    });

    it('keeps agent, source, session, time and added lines in its own metadata entry', () => {
      const meta = build(files).metadata?.[METADATA_KEY];
      assert.deepEqual(meta, {
        attributions: [claude, copilot],
        files: {
          'src/a.ts': { added_lines: 40, conversations: [0, 1] },
          'src/b.ts': { added_lines: 12, conversations: [0, 1] },
        },
      });
    });

    it('gives each attribution and kind its own conversation and groups its ranges', () => {
      const later = { ...claude, at: '2026-01-23T16:00:00.000Z' };
      const r = build([noteFile('a.ts', 9, [run(0, 1, claude), run(2, 3, later), run(4, 5, claude), run(6, 7, claude, 'mixed')])]);
      assertValid(r);
      assert.deepEqual(
        r.files[0].conversations.map((c) => [c.contributor?.type, c.ranges.map((x) => x.start_line)]),
        [['ai', [1, 5]], ['ai', [3]], ['mixed', [7]]],
      );
    });

    it('omits files without AI lines, and gives a commit without any an empty list', () => {
      const r = build([noteFile('a.ts', 3, [])]);
      assertValid(r);
      assert.deepEqual(r.files, []);
      assert.deepEqual(parsed(serializeTraceRecord(r)).files, []);
    });

    it('draws a fresh random id and the current time when none is given', () => {
      const before = Date.now();
      const a = buildTraceRecord({ revision: SHA, files, toolVersion: '1.0.0' });
      const after = Date.now();
      const b = buildTraceRecord({ revision: SHA, files, toolVersion: '1.0.0' });
      assertValid(a);
      assert.match(a.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.notEqual(a.id, b.id);
      const at = Date.parse(a.timestamp);
      assert.ok(at >= before && at <= after, `${a.timestamp} is the time of the call`);
    });

    it('leaves out a model id longer than the schema allows, yet keeps it for round trips', () => {
      const long = { ...copilot, model: `openai/${'x'.repeat(300)}` };
      const f = [noteFile('a.ts', 1, [run(0, 1, long)])];
      const r = build(f);
      assertValid(r);
      assert.deepEqual(r.files[0].conversations[0].contributor, { type: 'ai' });
      assert.deepEqual(parsed(serializeTraceRecord(r)).files, f);
    });

    it('refuses a file listed twice or a run that is not a line range', () => {
      assert.throws(() => build([files[0], files[0]]), /src\/b\.ts: the file is listed twice/);
      assert.throws(() => build([noteFile('a.ts', 1, [run(-1, 1, claude)])]), /a\.ts: invalid line run -1-1/);
      assert.throws(() => build([noteFile('a.ts', 1, [run(0.5, 2, claude)])]), /invalid line run/);
    });
  });

  describe('serializeTraceRecord', () => {
    it('writes the same pretty JSON for the same record', () => {
      const text = serializeTraceRecord(build([noteFile('a.ts', 2, [run(0, 2, claude)])]));
      assert.equal(text, serializeTraceRecord(build([noteFile('a.ts', 2, [run(0, 2, claude)])])));
      assert.ok(text.startsWith('{\n  "version": "0.1.0",\n  "id": '));
      assert.ok(text.endsWith('}\n'));
    });
  });

  describe('parseTraceRecord', () => {
    it('gives back the files exactly, runs in line order with their full attribution', () => {
      const files: CommitFileProvenance[] = [
        noteFile('a.ts', 40, [run(4, 10, claude), run(20, 21, { ...copilot, detail: 'shell' }, 'mixed')]),
      ];
      const r = parsed(serializeTraceRecord(build(files)));
      assert.deepEqual(r.files, files);
      assert.equal(r.record.vcs?.revision, SHA);
    });

    it('reads a path that is also an object property name', () => {
      const files: CommitFileProvenance[] = [noteFile('__proto__', 1, [run(0, 1, claude)]), noteFile('constructor', 2, [run(1, 2, copilot)])];
      const r = build(files);
      assertValid(r);
      assert.deepEqual(parsed(serializeTraceRecord(r)).files, files);
    });

    it('reads a record from another tool, counting only ranges it marks as AI', () => {
      const r = parsed(exampleJson);
      assert.equal(r.record.tool?.name, 'cursor');
      assert.deepEqual(r.files, [
        noteFile('src/utils/parser.ts', 26, [
          { start: 41, end: 67, kind: 'ai', attribution: { agent: 'cursor', model: 'anthropic/claude-opus-4-5-20251101', source: 'import', at: '2026-01-23T14:30:00Z' } },
        ]),
        noteFile('src/utils/helpers.ts', 16, [{ start: 9, end: 25, kind: 'ai', attribution: { agent: 'cursor', model: 'openai/gpt-4o', source: 'import', at: '2026-01-23T14:30:00Z' } }]),
      ]);
    });

    it('does not turn human or unknown ranges of another tool into AI lines, nor count a line twice', () => {
      const foreign = {
        version: '0.1.0',
        id: ID,
        timestamp: '2026-01-01T00:00:00Z',
        tool: { name: 'some-editor' },
        files: [
          {
            path: 'a.ts',
            conversations: [
              { contributor: { type: 'human' }, ranges: [{ start_line: 1, end_line: 5 }, { start_line: 8, end_line: 8, contributor: { type: 'ai' } }] },
              { ranges: [{ start_line: 10, end_line: 12 }] },
              { contributor: { type: 'unknown' }, ranges: [{ start_line: 20, end_line: 22 }] },
            ],
          },
          {
            path: 'overlap.ts',
            conversations: [
              { contributor: { type: 'ai', model_id: 'openai/gpt-5' }, ranges: [{ start_line: 1, end_line: 10 }] },
              { contributor: { type: 'mixed' }, ranges: [{ start_line: 5, end_line: 12 }] },
            ],
          },
          { path: 'b.ts', conversations: [{ contributor: { type: 'human' }, ranges: [{ start_line: 1, end_line: 1 }] }] },
        ],
      };
      assertValid(foreign);
      assert.deepEqual(parsed(JSON.stringify(foreign)).files, [
        noteFile('a.ts', 1, [{ start: 7, end: 8, kind: 'ai', attribution: { agent: 'unknown-ai', source: 'import', at: '2026-01-01T00:00:00Z' } }]),
        noteFile('overlap.ts', 12, [
          { start: 0, end: 10, kind: 'ai', attribution: { agent: 'unknown-ai', model: 'openai/gpt-5', source: 'import', at: '2026-01-01T00:00:00Z' } },
          { start: 4, end: 12, kind: 'mixed', attribution: { agent: 'unknown-ai', source: 'import', at: '2026-01-01T00:00:00Z' } },
        ]),
      ]);
    });

    it('accepts a byte order mark before the JSON', () => {
      assert.ok(parseTraceRecord(`\ufeff${serializeTraceRecord(build([]))}`).ok);
    });

    it('names line and column of a JSON syntax error', () => {
      assert.equal(parseError('{\n  "version": "0.1.0",\n  "id": oops\n}'), '3:9: invalid JSON (InvalidSymbol)');
      assert.equal(parseError(''), '1:1: invalid JSON (ValueExpected)');
      assert.match(parseError('{"version": "0.1.0",}'), /^1:21: invalid JSON/);
    });

    it('rejects JSON that is not an Agent Trace record, saying where', () => {
      const good = JSON.parse(serializeTraceRecord(build([noteFile('a.ts', 3, [run(0, 2, claude)])])));
      const cases: [unknown, RegExp][] = [
        [[1, 2], /expected a JSON object, found an array/],
        [null, /expected a JSON object, found null/],
        [{ name: 'package.json' }, /^not a valid Agent Trace record: version: missing$/],
        [{ ...good, version: '2.0.0' }, /version: unsupported version 2\.0\.0/],
        [{ ...good, version: 'one' }, /version: expected MAJOR\.MINOR\.PATCH/],
        [{ ...good, id: 7 }, /id: expected a string, found a number/],
        [{ ...good, files: {} }, /files: expected an array, found an object/],
        [{ ...good, vcs: { type: 'cvs', revision: 'x' } }, /vcs\.type: unknown version control system "cvs"/],
      ];
      for (const [value, expected] of cases) assert.match(parseError(JSON.stringify(value)), expected);
    });

    it('rejects broken ranges and broken metadata of ours with the path of the fault', () => {
      const good = () => JSON.parse(serializeTraceRecord(build([noteFile('a.ts', 3, [run(0, 2, claude)])])));
      // `any`: a parsed JSON record, edited freely to damage it
      const mutate = (f: (r: any) => void): string => {
        const r = good();
        f(r);
        return parseError(JSON.stringify(r));
      };
      assert.match(mutate((r) => (r.files[0].conversations[0].ranges[0].start_line = 0)), /files\[0\]\.conversations\[0\]\.ranges\[0\]\.start_line: expected an integer ≥ 1, found 0/);
      assert.match(mutate((r) => (r.files[0].conversations[0].ranges[0].end_line = 1.5)), /end_line: expected an integer ≥ 1, found 1\.5/);
      assert.match(mutate((r) => (r.files[0].conversations[0].ranges[0] = { start_line: 5, end_line: 2 })), /ranges\[0\]: end_line 2 is before start_line 5/);
      assert.match(mutate((r) => (r.files[0].conversations[0].contributor.type = 'robot')), /contributor\.type: unknown contributor type "robot"/);
      assert.match(mutate((r) => (r.files[0].conversations[0].contributor.type = 'human')), /ranges\[0\]: contributor must be "ai" or "mixed"/);
      assert.match(mutate((r) => (r.metadata[METADATA_KEY].attributions[0].source = 'guess')), /attributions\[0\]\.source: unknown source "guess"/);
      assert.match(mutate((r) => delete r.metadata[METADATA_KEY].attributions[0].agent), /attributions\[0\]\.agent: expected a string, found nothing/);
      assert.match(mutate((r) => (r.metadata[METADATA_KEY].files['a.ts'].conversations = [3])), /files\["a\.ts"\]\.conversations\[0\]: no attribution #3/);
      assert.match(mutate((r) => (r.metadata[METADATA_KEY].files['a.ts'].conversations = [])), /files\[0\]: 1 conversations but metadata\.dev\.ai-provenance maps 0/);
      assert.match(mutate((r) => (r.metadata[METADATA_KEY].files = {})), /files\[0\]: no entry for "a\.ts"/);
      assert.match(mutate((r) => (r.metadata[METADATA_KEY].files['a.ts'].added_lines = -1)), /added_lines: expected an integer ≥ 0, found -1/);
      assert.match(mutate((r) => (r.metadata[METADATA_KEY] = 'x')), /metadata\.dev\.ai-provenance: expected an object, found a string/);
    });

    it('never throws, whatever text it is given', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v))), (text) => {
          const r = parseTraceRecord(text);
          if (!r.ok) assert.doesNotMatch(r.error, /\n/);
        }),
        { numRuns: 1000 },
      );
    });

    it('never throws on damaged records of its own', () => {
      const text = serializeTraceRecord(build([noteFile('a.ts', 3, [run(0, 2, claude), run(2, 3, copilot, 'mixed')])]));
      fc.assert(
        fc.property(fc.nat(text.length - 1), fc.nat(text.length), fc.string({ maxLength: 3 }), (at, len, insert) => {
          const r = parseTraceRecord(text.slice(0, at) + insert + text.slice(at + (len % 4)));
          if (!r.ok) assert.doesNotMatch(r.error, /\n/);
        }),
        { numRuns: 1000 },
      );
    });
  });

  describe('properties', () => {
    const attribution: fc.Arbitrary<Attribution> = fc.record(
      {
        agent: fc.oneof(fc.constantFrom('claude-code', 'copilot', 'cursor', 'unknown-ai'), fc.string({ minLength: 1, maxLength: 12 })),
        model: fc.oneof(fc.constantFrom('anthropic/claude-opus-4-5', 'openai/gpt-5'), fc.string({ maxLength: 300 })),
        source: fc.constantFrom(...ATTRIBUTION_SOURCES),
        session: fc.string({ maxLength: 8 }),
        at: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
        detail: fc.constantFrom('shell', 'tab'),
      },
      { requiredKeys: ['agent', 'source', 'at'], noNullPrototype: true },
    );
    // Sorted, non-overlapping runs: what a commit's line tracker hands over.
    const file = fc
      .record({
        // Paths as git names them: relative, inside the repository (a note naming others is refused).
        path: fc.oneof(fc.constantFrom('src/a.ts', 'b c/d.ts', '__proto__', 'ü/ñ.ts'), fc.string({ minLength: 1, maxLength: 20 }).filter((p) => notePathProblem(p) === undefined)),
        gaps: fc.array(fc.record({ gap: fc.nat(5), len: fc.integer({ min: 1, max: 6 }), kind: fc.constantFrom<'ai' | 'mixed'>('ai', 'mixed'), who: fc.nat(3) }), { maxLength: 6 }),
        extra: fc.nat(20),
      })
      .chain(({ path, gaps, extra }) =>
        fc.array(attribution, { minLength: 4, maxLength: 4 }).map((who): CommitFileProvenance => {
          let line = 0;
          const runs = gaps.map((g) => {
            const start = line + g.gap;
            line = start + g.len;
            return run(start, line, who[g.who], g.kind);
          });
          return noteFile(path, runs.reduce((n, r) => n + r.end - r.start, 0) + extra, runs);
        }),
      );
    const files = fc.uniqueArray(file, { selector: (f) => f.path, maxLength: 5 });

    it('builds records that validate against the Agent Trace schema and read back to the same files', () => {
      fc.assert(
        fc.property(files, fc.uuid(), (input, id) => {
          const record = buildTraceRecord({ revision: SHA, files: input, toolVersion: '0.0.1', id });
          assertValid(record);
          const back = parsed(serializeTraceRecord(record));
          const expected = input
            .filter((f) => f.runs.length > 0)
            .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
          assert.deepEqual(back.files, expected);
          assert.deepEqual(back.record, JSON.parse(serializeTraceRecord(record)));
        }),
        { numRuns: 300 },
      );
    });
  });
});
