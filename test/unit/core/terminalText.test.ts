import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { terminalText } from '../../../src/core/terminalText';
import { terminalCases } from '../../security/cli/hostile';

describe('terminal text', () => {
  for (const c of terminalCases()) {
    it(`shows, never passes on: ${c.attack}`, () => {
      assert.equal(terminalText(c.input), c.shown);
    });
  }

  it('keeps tabs where asked (file content) and nothing else of the control characters', () => {
    assert.equal(terminalText('\tx = 1;\x1b[2J', { keepTabs: true }), '\tx = 1;\\x1b[2J');
  });

  it('leaves no character a terminal acts on, and changes text that has none not at all', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const shown = terminalText(s);
        assert.doesNotMatch(shown, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
        if (!/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/.test(s)) assert.equal(shown, s);
      }),
    );
  });
});
