import * as assert from 'node:assert/strict';
import { normalizeModel } from '../../../src/core/modelName';

describe('model names', () => {
  // The agent hooks and the editor once read model names two ways; the rows marked "disagreed" recorded one model two ways.
  const table: readonly (readonly [string | undefined, string | undefined, string?])[] = [
    ['claude-sonnet-4-20250514', 'anthropic/claude-sonnet-4-20250514'],
    ['gpt-5-codex', 'openai/gpt-5-codex'],
    ['o3', 'openai/o3'],
    ['gemini-2.5-pro', 'google/gemini-2.5-pro'],
    ['grok-4', 'xai/grok-4'],
    ['anthropic/claude-opus-4-5', 'anthropic/claude-opus-4-5'],
    ['copilot/gpt-5', 'openai/gpt-5'],
    ['copilot/anthropic/claude-opus-4-5', 'anthropic/claude-opus-4-5', 'disagreed: the hooks kept no model'],
    ['copilot/claude-sonnet-4', 'anthropic/claude-sonnet-4', 'disagreed: the hooks kept no model'],
    ['Claude-Sonnet-4', 'anthropic/claude-sonnet-4', 'disagreed: the editor kept the capitals'],
    ['GPT-4.1', 'openai/gpt-4.1', 'disagreed: the editor kept the capitals'],
    ['codestral-latest', 'mistral/codestral-latest', 'disagreed: the hooks kept no model'],
    ['chatgpt-4o-latest', 'openai/chatgpt-4o-latest', 'disagreed: the hooks kept no model'],
    ['codex-mini-latest', 'openai/codex-mini-latest'],
    ['auto', undefined, 'disagreed: the editor kept "auto"'],
    ['in-house-7b', undefined, 'disagreed: the editor kept the bare name'],
    ['composer-1', undefined, 'disagreed: the editor kept the bare name'],
    ['default', undefined],
    ['tab', undefined],
    ['copilot/', undefined, 'disagreed: the editor kept "copilot"'],
    ['gpt 5', undefined, 'disagreed: the editor kept "openai/gpt 5"'],
    ['ossified', undefined],
    ['', undefined],
    ['   ', undefined],
    [undefined, undefined],
  ];
  for (const [raw, expected, note] of table) {
    it(`reads ${JSON.stringify(raw)} as ${expected ?? 'no model'}${note ? ` (${note})` : ''}`, () => {
      assert.equal(normalizeModel(raw), expected);
    });
  }
});
