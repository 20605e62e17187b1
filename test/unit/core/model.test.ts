import * as assert from 'node:assert/strict';
import { agentLabel } from '../../../src/core/model';

describe('model', () => {
  it('labels an agent with its model the way Assisted-by trailers do', () => {
    assert.equal(agentLabel({ agent: 'claude-code', model: 'anthropic/claude-opus-4-5' }), 'claude-code:anthropic/claude-opus-4-5');
    assert.equal(agentLabel({ agent: 'copilot' }), 'copilot');
  });
});
