import { strict as assert } from 'node:assert';
import {
  AcceptWindow,
  buildAgentMap,
  carryOf,
  classifyEditSource,
  isFormatterEdit,
  readEditSource,
  soleActiveAgent,
} from '../../../src/extension/detection';

const NOW = new Date('2026-01-02T03:04:05.000Z');

describe('detection', () => {
  describe('reading the edit source of a change event', () => {
    it('reads an inline-completion accept with its extension id nested under metadata', () => {
      const src = readEditSource({
        detailedReason: { source: 'inlineCompletionAccept', metadata: { $nes: false, $extensionId: 'GitHub.copilot', $extensionVersion: '1.0.0' } },
      });
      assert.deepEqual(src, { source: 'inlineCompletionAccept', extensionId: 'GitHub.copilot', modelId: undefined, sessionId: undefined });
    });

    it('reads model and session when they are flattened onto the reason', () => {
      const src = readEditSource({ detailedReason: { source: 'Chat.applyEdits', $extensionId: 'GitHub.copilot-chat', $modelId: 'copilot/claude-sonnet-4', $$sessionId: 's-1' } });
      assert.equal(src?.modelId, 'copilot/claude-sonnet-4');
      assert.equal(src?.sessionId, 's-1');
    });

    it('gives nothing for events without a usable reason', () => {
      for (const event of [undefined, null, 42, {}, { detailedReason: null }, { detailedReason: 'inlineCompletionAccept' }, { detailedReason: { source: '' } }, { detailedReason: { source: 7 } }]) {
        assert.equal(readEditSource(event), undefined, JSON.stringify(event));
      }
    });

    it('ignores metadata fields of the wrong type', () => {
      const src = readEditSource({ detailedReason: { source: 'inlineCompletionAccept', metadata: { $extensionId: 12, $modelId: {} } } });
      assert.equal(src?.extensionId, undefined);
      assert.equal(src?.modelId, undefined);
    });
  });

  describe('edits that move text without writing it', () => {
    it('lets a cut or a paste carry any text, an edit of unknown kind only whole lines, typing nothing', () => {
      const cases: [unknown, string][] = [
        [{ detailedReason: { source: 'cursor', kind: 'paste', detailedSource: 'keyboard' } }, 'any'],
        [{ detailedReason: { source: 'cursor', kind: 'cut' } }, 'any'],
        [{ detailedReason: { source: 'cursor', kind: 'type' } }, 'none'],
        [{ detailedReason: { source: 'cursor', kind: 'executeCommands' } }, 'none'],
        [{ detailedReason: { source: 'cursor' } }, 'none'],
        [{ detailedReason: { source: 'reloadFromDisk' } }, 'none'],
        [{ detailedReason: { source: 'snippet' } }, 'none'],
        [{ detailedReason: { source: 'unknown', name: 'MainThreadTextEditor' } }, 'lines'],
        [{}, 'lines'],
      ];
      for (const [event, carry] of cases) assert.equal(carryOf(readEditSource(event)), carry, JSON.stringify(event));
    });

    it("recognises a formatter's edit by the operation VS Code names", () => {
      assert.equal(isFormatterEdit(readEditSource({ detailedReason: { source: 'unknown', name: 'formatEditsCommand' } })), true);
      assert.equal(isFormatterEdit(readEditSource({ detailedReason: { source: 'unknown', metadata: { name: 'formatEditsCommand' } } })), true);
      assert.equal(isFormatterEdit(readEditSource({ detailedReason: { source: 'unknown', name: 'MainThreadTextEditor' } })), false);
      assert.equal(isFormatterEdit(readEditSource({ detailedReason: { source: 'cursor', kind: 'type', name: 'formatEditsCommand' } })), false);
      assert.equal(isFormatterEdit(readEditSource({})), false);
    });
  });

  describe('deciding who made an edit', () => {
    const agents = buildAgentMap({});

    it('attributes an accepted Copilot completion to copilot as an inline completion', () => {
      const a = classifyEditSource({ source: 'inlineCompletionAccept', extensionId: 'GitHub.copilot' }, agents, NOW);
      assert.deepEqual(a, { agent: 'copilot', source: 'inline-completion', at: NOW.toISOString() });
    });

    it('attributes a partial accept the same way', () => {
      const a = classifyEditSource({ source: 'inlineCompletionPartialAccept', extensionId: 'github.copilot' }, agents, NOW);
      assert.equal(a !== 'human' && a?.agent, 'copilot');
    });

    it('attributes chat edits with the model in provider/model form and the session', () => {
      const a = classifyEditSource({ source: 'Chat.applyEdits', extensionId: 'GitHub.copilot-chat', modelId: 'copilot/gpt-5', sessionId: 'abc' }, agents, NOW);
      assert.deepEqual(a, { agent: 'copilot', source: 'chat-edit', at: NOW.toISOString(), model: 'openai/gpt-5', session: 'abc' });
    });

    it('attributes an inline chat edit from an extension it does not know to unknown-ai', () => {
      const a = classifyEditSource({ source: 'inlineChat.applyEdits', extensionId: 'someone.new-assistant' }, agents, NOW);
      assert.equal(a !== 'human' && a?.agent, 'unknown-ai');
    });

    it('treats typing, paste, formatting, undo and reload from disk as a person', () => {
      for (const source of ['cursor', 'paste', 'formatEditsCommand', 'reloadFromDisk', 'undo', 'snippet', 'suggest']) {
        assert.equal(classifyEditSource({ source }, agents, NOW), 'human', source);
      }
    });

    it('leaves an edit of unknown origin undecided so weaker evidence can speak', () => {
      assert.equal(classifyEditSource({ source: 'unknown' }, agents, NOW), undefined);
    });

    it('lets a setting map a test extension to an agent', () => {
      const map = buildAgentMap({ 'ai-provenance-test.fake-copilot': 'copilot' });
      const a = classifyEditSource({ source: 'inlineCompletionAccept', extensionId: 'ai-provenance-test.fake-copilot' }, map, NOW);
      assert.equal(a !== 'human' && a?.agent, 'copilot');
    });

    it('lets a setting say that an extension is not an AI', () => {
      const map = buildAgentMap({ 'GitHub.copilot': 'human' });
      assert.equal(classifyEditSource({ source: 'inlineCompletionAccept', extensionId: 'GitHub.copilot' }, map, NOW), 'human');
    });

    it('ignores override values that are not agent names', () => {
      const map = buildAgentMap({ 'GitHub.copilot': 3, 'x.y': '  ', 'A.B': ' Claude-Code ' } as Record<string, unknown>);
      assert.equal(map.get('github.copilot'), 'copilot');
      assert.equal(map.has('x.y'), false);
      assert.equal(map.get('a.b'), 'claude-code');
    });
  });

  describe('choosing an agent without an extension id', () => {
    const agents = buildAgentMap({});

    it('names the one active AI extension', () => {
      assert.equal(soleActiveAgent(['vscode.git', 'GitHub.copilot', 'GitHub.copilot-chat'], agents), 'copilot');
    });

    it('says unknown-ai when two different AI extensions are active', () => {
      assert.equal(soleActiveAgent(['GitHub.copilot', 'Continue.continue'], agents), 'unknown-ai');
    });

    it('says unknown-ai when no AI extension is active', () => {
      assert.equal(soleActiveAgent(['vscode.git'], agents), 'unknown-ai');
    });
  });

  describe('the inline-suggestion accept window', () => {
    it('attributes the first edit to the armed document only', () => {
      const w = new AcceptWindow(1000);
      w.arm('file:///a.ts', 0);
      assert.equal(w.take('file:///b.ts', 10), undefined);
      assert.deepEqual(w.take('file:///a.ts', 20), { agent: undefined });
      assert.equal(w.take('file:///a.ts', 30), undefined, 'a second edit is not the accept');
    });

    it('expires when the accept command made no edit', () => {
      const w = new AcceptWindow(1000);
      w.arm('file:///a.ts', 0);
      assert.equal(w.take('file:///a.ts', 1001), undefined);
    });

    it('is closed by disarm, so later typing is a person', () => {
      const w = new AcceptWindow(1000);
      w.arm('file:///a.ts', 0, 'cursor');
      w.disarm();
      assert.equal(w.take('file:///a.ts', 5), undefined);
    });

    it('carries the agent the accept command named', () => {
      const w = new AcceptWindow(1000);
      w.arm('file:///a.ts', 0, 'cursor');
      assert.deepEqual(w.take('file:///a.ts', 5), { agent: 'cursor' });
    });
  });
});
