import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { parseConfig } from '../../../src/core/config';
import { parseIdentity } from '../../../src/core/identity';

const ROOT = join(__dirname, '../../..');
const SCHEMA_FILE = join(ROOT, 'schemas/ai-provenance.schema.json');
const GENERATOR = join(ROOT, 'scripts/gen-config-validator.mjs');
const GENERATED = join(ROOT, 'src/core/generated/configValidator.js');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type SchemaObject = { [k: string]: Json };

const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as SchemaObject;

function isObject(v: Json | undefined): v is SchemaObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every sub-schema that describes a value (properties, items, definitions), with its JSON Pointer. */
function subSchemas(node: SchemaObject, path = '#'): [string, SchemaObject][] {
  const out: [string, SchemaObject][] = [[path, node]];
  for (const key of ['properties', 'definitions'] as const) {
    const group = node[key];
    if (isObject(group)) for (const [name, child] of Object.entries(group)) if (isObject(child)) out.push(...subSchemas(child, `${path}/${key}/${name}`));
  }
  if (isObject(node.items)) out.push(...subSchemas(node.items, `${path}/items`));
  return out;
}

/** A snippet body with its placeholders filled the way VS Code fills them by default. */
function expandSnippet(body: Json): Json {
  const text = JSON.stringify(body)
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\{\d+\|([^,|]*)[^}]*\|\}/g, '$1');
  return JSON.parse(text) as Json;
}

describe('team config schema', () => {
  it('is draft-07, the draft VS Code understands fully', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  });

  it('describes every setting in plain text and in Markdown for hovers', () => {
    const described = subSchemas(schema).filter(([, node]) => typeof node.$ref !== 'string');
    assert.ok(described.length >= 12, 'walks the whole schema');
    for (const [path, node] of described) {
      assert.equal(typeof node.description, 'string', `${path} has a description`);
      assert.equal(typeof node.markdownDescription, 'string', `${path} has a markdownDescription`);
    }
  });

  it('explains each level in the completion list', () => {
    const level = ((schema.definitions as SchemaObject).criticalRule as SchemaObject).properties as SchemaObject;
    const l = level.level as SchemaObject;
    assert.deepEqual(l.enum, ['warn', 'block']);
    assert.equal((l.markdownEnumDescriptions as Json[]).length, 2);
  });

  it('tells how rules combine, so users can relax part of a blocked area', () => {
    const critical = (schema.properties as SchemaObject).critical as SchemaObject;
    assert.match(String(critical.markdownDescription), /last\*\* rule/);
    assert.match(String(critical.markdownDescription), /CODEOWNERS/);
  });

  it('offers snippets that produce a valid file once their placeholders are filled', () => {
    const root = schema.defaultSnippets as Json[];
    const critical = ((schema.properties as SchemaObject).critical as SchemaObject).defaultSnippets as Json[];
    const rule = ((schema.definitions as SchemaObject).criticalRule as SchemaObject).defaultSnippets as Json[];
    const ignore = ((schema.properties as SchemaObject).ignore as SchemaObject).defaultSnippets as Json[];
    const docs: Json[] = [
      ...root.map((s) => expandSnippet((s as SchemaObject).body)),
      ...critical.map((s) => ({ critical: expandSnippet((s as SchemaObject).body) })),
      ...rule.map((s) => ({ critical: [expandSnippet((s as SchemaObject).body)] })),
      ...ignore.map((s) => ({ ignore: expandSnippet((s as SchemaObject).body) })),
    ];
    assert.ok(docs.length >= 4);
    for (const d of docs) assert.deepEqual(parseConfig(JSON.stringify(d)).problems, [], JSON.stringify(d));
  });

  it('accepts exactly the reviewer identities the policy can read', () => {
    const rule = ((schema.definitions as SchemaObject).criticalRule as SchemaObject).properties as SchemaObject;
    const re = new RegExp(String(((rule.reviewers as SchemaObject).items as SchemaObject).pattern), 'u');
    const identity = fc
      .array(fc.constantFrom('a', 'J', ' ', '@', '<', '>', '.', 'x', '-', '\t'), { maxLength: 14 })
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(fc.oneof(identity, fc.string()), (s) => {
        assert.equal(re.test(s), parseIdentity(s) !== undefined, JSON.stringify(s));
      }),
      { numRuns: 5000 },
    );
    for (const s of ['jane@example.com', 'Jane Doe <jane@example.com>', '<jane@example.com>', 'Jane<jane@example.com>']) assert.ok(re.test(s), s);
    for (const s of ['Jane Doe', 'jane@', '@example.com', 'Jane <jane@example.com', ' jane@example.com']) assert.ok(!re.test(s), s);
  });

  describe('generated validator', () => {
    it('is up to date with the schema (run node scripts/gen-config-validator.mjs after editing the schema)', async function () {
      const generator = (await import(pathToFileURL(GENERATOR).href)) as { generate(schemaText: string): string };
      const fresh = generator.generate(readFileSync(SCHEMA_FILE, 'utf8'));
      assert.ok(fresh === readFileSync(GENERATED, 'utf8'), 'src/core/generated/configValidator.js is stale');
    });

    it('needs nothing at run time: no Ajv, no require', () => {
      assert.doesNotMatch(readFileSync(GENERATED, 'utf8'), /\brequire\(/);
    });

    it('would notice a schema edit', async function () {
      const generator = (await import(pathToFileURL(GENERATOR).href)) as { generate(schemaText: string): string };
      const edited = readFileSync(SCHEMA_FILE, 'utf8').replace('"enum": [\n            "warn",\n            "block"\n          ]', '"enum": ["warn", "block", "off"]');
      assert.notEqual(edited, readFileSync(SCHEMA_FILE, 'utf8'), 'the test edit applies');
      assert.notEqual(generator.generate(edited), readFileSync(GENERATED, 'utf8'));
    });
  });
});
