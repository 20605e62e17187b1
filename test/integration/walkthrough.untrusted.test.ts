// Runs in the window whose workspace is untrusted (see README.md).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { harnessConfig, workspacePath } from './harness';

describe('the walkthrough in an untrusted workspace', () => {
  it('"Create .ai-provenance.json" writes nothing', async () => {
    assert.equal(harnessConfig().untrusted, true);
    const config = workspacePath('.ai-provenance.json');
    const original = fs.readFileSync(config, 'utf8');
    fs.rmSync(config);
    try {
      assert.equal(await vscode.commands.executeCommand('aiProvenance.createConfig'), undefined);
      assert.ok(!fs.existsSync(config), 'no file was written');
    } finally {
      fs.writeFileSync(config, original);
    }
  });
});
