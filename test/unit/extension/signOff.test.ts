import { strict as assert } from 'node:assert';
import { addReviewedBy, addTrailer } from '../../../src/extension/signOff';

describe('sign-off', () => {
  it('starts a trailer paragraph after the message', () => {
    assert.equal(addReviewedBy('Fix billing rounding', 'Jane Doe', 'jane@example.com'), 'Fix billing rounding\n\nAI-Reviewed-by: Jane Doe <jane@example.com>');
  });

  it('joins an existing trailer paragraph', () => {
    const msg = 'Fix billing\n\nBody text.\n\nAssisted-by: copilot\nAI-Lines: 3/10\n';
    assert.equal(addReviewedBy(msg, 'Jane', 'jane@example.com'), 'Fix billing\n\nBody text.\n\nAssisted-by: copilot\nAI-Lines: 3/10\nAI-Reviewed-by: Jane <jane@example.com>');
  });

  it('does not mistake a subject that looks like a trailer for a trailer paragraph', () => {
    assert.equal(addReviewedBy('fix: rounding', 'Jane', 'jane@example.com'), 'fix: rounding\n\nAI-Reviewed-by: Jane <jane@example.com>');
  });

  it('signs off only once', () => {
    const once = addReviewedBy('Fix', 'Jane', 'jane@example.com');
    assert.equal(addReviewedBy(once, 'Jane', 'jane@example.com'), once);
  });

  it('leaves room for a subject in an empty message', () => {
    assert.equal(addReviewedBy('', 'Jane', 'jane@example.com'), '\n\nAI-Reviewed-by: Jane <jane@example.com>');
  });

  it('writes a bare email when git knows no name', () => {
    assert.equal(addReviewedBy('Fix', '', 'jane@example.com'), 'Fix\n\nAI-Reviewed-by: jane@example.com');
  });

  it('adds an SSH sign-off line the CLI printed to the trailer block, once', () => {
    const line = 'AI-Signoff: jane@example.com YWkt c2ln';
    const msg = 'Fix billing\n\nAssisted-by: copilot\nAI-Lines: 3/10';
    const once = addTrailer(msg, line);
    assert.equal(once, `${msg}\n${line}`);
    assert.equal(addTrailer(once, line), once);
  });
});
