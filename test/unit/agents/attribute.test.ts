import * as assert from 'node:assert/strict';
import { attributeEdit as attributeRuns } from '../../../src/agents/attribute';
import { fromLines, toLines } from '../../../src/core/lineRuns';
import type { Attribution, LineProvenance } from '../../../src/core/model';

/** attributeEdit read and asserted line by line. */
function attributeEdit(before: string, written: string, after: string, current: LineProvenance[], author: Attribution, prior?: LineProvenance[]): LineProvenance[] {
  return toLines(attributeRuns(before, written, after, fromLines(current), author, prior && fromLines(prior)));
}

const AGENT: Attribution = { agent: 'claude-code', source: 'agent-hook', at: '2026-01-01T11:00:00Z' };
const EARLIER: Attribution = { agent: 'codex', source: 'agent-hook', at: '2026-01-01T10:00:00Z' };
const H: LineProvenance = { kind: 'human' };

const A = 'export function total(items) {\n  return items.reduce((s, i) => s + i.price, 0);\n}\n';
const B = 'export function count(items) {\n  return items.length;\n}\n';

describe('attributeEdit', () => {
  it("leaves a person's function the agent only moved theirs, and gives the agent what it wrote", () => {
    const before = `${A}\n${B}`;
    const after = `${B}\n${A}// totals in cents\n`;
    const kinds = attributeEdit(before, after, after, after.split('\n').map(() => H), AGENT).map((p) => p.kind);
    assert.deepEqual(kinds, ['human', 'human', 'human', 'human', 'human', 'human', 'human', 'ai', 'human']);
  });

  it('keeps the recorded author of AI lines the agent moved', () => {
    const before = `${A}\n${B}`;
    const after = `${B}\n${A}`;
    const current = after.split('\n').map((_, i): LineProvenance => (i >= 4 && i <= 6 ? { kind: 'ai', attribution: EARLIER } : H));
    const out = attributeEdit(before, after, after, current, AGENT);
    assert.deepEqual(out.map((p) => p.attribution?.agent ?? 'human'), ['human', 'human', 'human', 'human', 'codex', 'codex', 'codex', 'human']);
  });

  it('still gives the agent a block it changed while moving it', () => {
    const before = `${A}\n${B}`;
    const after = `${B}\n${A.replace('s + i.price', 's + i.price * i.qty')}`;
    const kinds = attributeEdit(before, after, after, after.split('\n').map(() => H), AGENT).map((p) => p.kind);
    assert.deepEqual(kinds.slice(4, 7), ['ai', 'ai', 'ai']);
  });

  it("makes every line of a replacement that changes the number of lines the agent's, not mixed", () => {
    const before = 'export function run() {\n  const x = 0;\n  return x;\n}\n';
    const after = before.replace('  const x = 0;\n', '  const x = compute();\n  validate(x);\n');
    const kinds = attributeEdit(before, after, after, after.split('\n').map(() => H), AGENT).map((p) => p.kind);
    assert.deepEqual(kinds, ['human', 'ai', 'ai', 'human', 'human', 'human']);
  });

  it("keeps an agent's touch-up of a person's line mixed when the number of lines stays", () => {
    const before = 'export function run() {\n  const x = 0;\n  return x;\n}\n';
    const after = before.replace('  const x = 0;', '  const x = compute();');
    const kinds = attributeEdit(before, after, after, after.split('\n').map(() => H), AGENT).map((p) => p.kind);
    assert.deepEqual(kinds, ['human', 'mixed', 'human', 'human', 'human']);
  });

  it('makes an AI line another agent touched up AI, and a line a person had touched up mixed', () => {
    const before = 'const a = 1;\nconst rate = load(100);\nconst cap = load(50);\n';
    const after = 'const a = 1;\nconst rate = load(100.0);\nconst cap = load(50.0);\n';
    const prior: LineProvenance[] = [H, { kind: 'ai', attribution: EARLIER }, { kind: 'mixed', attribution: EARLIER }, H];
    const out = attributeEdit(before, after, after, after.split('\n').map(() => H), AGENT, prior);
    assert.deepEqual(out.map((p) => `${p.kind}${p.attribution ? `@${p.attribution.agent}` : ''}`), ['human', 'ai@claude-code', 'mixed@claude-code', 'human']);
  });
});
