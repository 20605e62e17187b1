import * as assert from 'node:assert/strict';
import { normalizeModel } from '../../../src/agents/models';

describe('model names', () => {
  it('puts the provider in front of names that tell it', () => {
    assert.equal(normalizeModel('claude-sonnet-4-20250514'), 'anthropic/claude-sonnet-4-20250514');
    assert.equal(normalizeModel('gpt-5-codex'), 'openai/gpt-5-codex');
    assert.equal(normalizeModel('o3'), 'openai/o3');
    assert.equal(normalizeModel('gemini-2.5-pro'), 'google/gemini-2.5-pro');
  });

  it('keeps names already in provider/model form', () => {
    assert.equal(normalizeModel('anthropic/claude-opus-4-5'), 'anthropic/claude-opus-4-5');
  });

  it('records no model for names that do not tell the provider', () => {
    for (const n of ['auto', 'default', 'tab', 'composer-1', '', '   ', 'gpt 5', undefined]) assert.equal(normalizeModel(n), undefined, String(n));
  });
});
