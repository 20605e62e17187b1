import * as assert from 'node:assert/strict';
import { attributeEdit } from '../../../src/agents/attribute';
import type { Attribution, LineProvenance } from '../../../src/core/model';

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
});
