import { strict as assert } from 'node:assert';
import type { Attribution } from '../../../src/core/model';
import type { SpelledRun } from '../noteFiles';
import type { LineRuns } from '../../../src/core/lineRuns';
import { agentColourId, planDecorations as planRuns, styleKey } from '../../../src/extension/decorationModel';

const copilot: Attribution = { agent: 'copilot', source: 'inline-completion', at: '2026-01-01T00:00:00Z' };
const claude: Attribution = { agent: 'claude-code', source: 'agent-hook', at: '2026-01-01T00:00:00Z' };
const other: Attribution = { agent: 'amazon-q', source: 'inline-completion', at: '2026-01-01T00:00:00Z' };

function run(start: number, end: number, attribution: Attribution, kind: 'ai' | 'mixed' = 'ai'): SpelledRun {
  return { start, end, kind, attribution };
}

/** The runs as a document's provenance names them: each distinct attribution object once in the table. */
function planDecorations(list: readonly SpelledRun[], withAll?: boolean): ReturnType<typeof planRuns> {
  const attributions = [...new Set(list.map((r) => r.attribution))];
  const provenance: LineRuns = {
    lineCount: Math.max(0, ...list.map((r) => r.end)),
    attributions,
    runs: list.map((r) => ({ start: r.start, end: r.end, kind: r.kind, id: attributions.indexOf(r.attribution) })),
  };
  return planRuns(provenance, withAll);
}

describe('decoration plan', () => {
  it('gives each agent and kind its own style', () => {
    const plan = planDecorations([run(0, 2, copilot), run(2, 3, copilot, 'mixed'), run(5, 6, claude)]);
    assert.deepEqual([...plan.byStyle.keys()].sort(), ['ai:claude-code', 'ai:copilot', 'mixed:copilot']);
    assert.deepEqual(plan.byStyle.get('ai:copilot'), [{ start: 0, end: 2 }]);
    assert.deepEqual(plan.byStyle.get('mixed:copilot'), [{ start: 2, end: 3 }]);
  });

  it('merges adjacent runs of one style into one range', () => {
    const later = { ...copilot, at: '2026-02-01T00:00:00Z' };
    const plan = planDecorations([run(0, 2, copilot), run(2, 4, later), run(6, 7, copilot)]);
    assert.deepEqual(plan.byStyle.get('ai:copilot'), [{ start: 0, end: 4 }, { start: 6, end: 7 }]);
  });

  it('covers every AI and mixed line once in the critical span list', () => {
    const plan = planDecorations([run(0, 2, copilot), run(2, 3, claude, 'mixed'), run(10, 12, claude)], true);
    assert.deepEqual(plan.all, [{ start: 0, end: 3 }, { start: 10, end: 12 }]);
  });

  it('skips the critical span list for files that are not critical', () => {
    assert.deepEqual(planDecorations([run(0, 2, copilot)]).all, []);
  });

  it('draws agents without a colour of their own with the shared colour', () => {
    assert.equal(styleKey('ai', other.agent), 'ai:other');
    assert.equal(planDecorations([run(1, 2, other)]).byStyle.has('ai:other'), true);
  });

  it('ignores empty runs', () => {
    assert.equal(planDecorations([run(3, 3, copilot)], true).all.length, 0);
  });

  it('names colours with ids VS Code accepts (no hyphens)', () => {
    assert.equal(agentColourId('claude-code'), 'aiProvenance.agent.claudeCode');
    assert.match(agentColourId('unknown-ai'), /^\w+(\.\w+)*$/);
  });
});

describe('contributed colours', () => {
  it('declares a colour for every style the gutter can use', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const contributes = require('../../../package.json') as { contributes: { colors: { id: string }[] } };
    const ids = new Set(contributes.contributes.colors.map((c) => c.id));
    for (const slot of ['copilot', 'claude-code', 'cursor', 'codex', 'gemini-cli', 'aider', 'cline', 'roo', 'continue', 'windsurf', 'kiro', 'unknown-ai', 'other']) {
      assert.ok(ids.has(agentColourId(slot)), slot);
    }
    for (const id of ['aiProvenance.mixed', 'aiProvenance.critical', 'aiProvenance.criticalLineBackground']) assert.ok(ids.has(id), id);
  });
});
