// The scorer's figures on hand-made results, so a wrong figure is not mistaken for a change in the product.
import * as assert from 'node:assert/strict';
import { parseExpectation, type Kind, type LineResult, type Scenario, type ScenarioResult } from './harness';
import { formatFailures, score } from './score';

const scenario = (name: string): Scenario => ({ name, classes: ['moved'], run: async () => undefined, expect: {} });

function line(expected: string, actual: string): LineResult {
  const parse = (t: string): { kind: Kind; agent?: 'claude-code' | 'cursor' } => {
    const [kind, agent] = t.split('@') as [Kind, 'claude-code' | 'cursor' | undefined];
    return agent ? { kind, agent } : { kind };
  };
  return { file: 'a.ts', line: 1, text: 'x', expected: parse(expected), actual: parse(actual) };
}

describe('accuracy scorer', () => {
  const results: ScenarioResult[] = [
    {
      scenario: scenario('one'),
      lines: [line('ai@claude-code', 'ai@claude-code'), line('ai@claude-code', 'human'), line('human', 'mixed@cursor'), line('mixed@cursor', 'ai@claude-code'), line('human', 'human')],
      commits: [{ subject: 'c1', expected: '2/3', actual: '2/3' }, { subject: 'c2', expected: null, actual: '1/1' }],
      hookProblems: [],
    },
  ];

  it('counts precision over lines called AI, recall over AI-touched lines, agent over found lines', () => {
    const f = score(results);
    assert.deepEqual(f.precision, { hit: 2, of: 3 });
    assert.deepEqual(f.recall, { hit: 2, of: 3 });
    assert.deepEqual(f.agent, { hit: 1, of: 2 });
    assert.deepEqual(f.exact, { hit: 2, of: 5 });
    assert.deepEqual(f.aiLines, { hit: 1, of: 2 });
  });

  it('lists each wrong line and commit under the class of its scenario', () => {
    const text = formatFailures(results);
    assert.match(text, /^moved: /);
    assert.match(text, /a\.ts:1 expected ai@claude-code, got human/);
    assert.match(text, /commit "c2": expected AI-Lines none, got 1\/1/);
    assert.doesNotMatch(text, /expected human, got human/);
  });

  it('reads expected lines: tag, mixed mark, text after one space, empty lines', () => {
    assert.deepEqual(parseExpectation('\n  h  | a\n  cc |   b\n  gm~|\n  cx | c | d\n'), [
      { kind: 'human', text: 'a' },
      { kind: 'ai', agent: 'claude-code', text: '  b' },
      { kind: 'mixed', agent: 'gemini-cli', text: '' },
      { kind: 'ai', agent: 'codex', text: 'c | d' },
    ]);
    assert.throws(() => parseExpectation('xx | a'), /unknown tag 'xx'/);
    assert.throws(() => parseExpectation('no bar'), /without '\|'/);
  });
});
