import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'jsonc-parser';
import { AGENT_SETTINGS, installAgentHooks, mergeAgentSettings, uninstallAgentHooks, unmergeAgentSettings } from '../../../src/agents/install';
import { cleanup, makeRepo, writeFile } from './helpers';

const CMD = 'npx --no-install ai-provenance';

describe('agent settings', () => {
  describe('merging into an existing file', () => {
    const userClaude = `{
    // project settings, hand-written
    "permissions": { "allow": ["Bash(npm test)"] },
    "hooks": {
        "PostToolUse": [
            { "matcher": "Edit", "hooks": [ { "type": "command", "command": "npx prettier --write" } ] }
        ]
    }
}
`;

    it("keeps the user's hooks, keys, comments and indentation", () => {
      const out = mergeAgentSettings('.claude/settings.json', userClaude, 'claude-code', `${CMD} hook claude-code`);
      assert.match(out, /\/\/ project settings, hand-written/);
      assert.match(out, /"permissions": \{ "allow": \["Bash\(npm test\)"\] \}/);
      assert.match(out, /\n        "PreToolUse": \[/, 'four-space indentation kept');
      const v = parse(out);
      assert.equal(v.hooks.PostToolUse.length, 2);
      assert.equal(v.hooks.PostToolUse[0].hooks[0].command, 'npx prettier --write');
      assert.deepEqual(v.hooks.PostToolUse[1], { matcher: 'Write|Edit|MultiEdit|Bash', hooks: [{ type: 'command', command: `${CMD} hook claude-code`, timeout: 10 }] });
      assert.deepEqual(v.hooks.PreToolUse, [v.hooks.PostToolUse[1]]);
    });

    it('changes nothing when run twice', () => {
      const once = mergeAgentSettings('.claude/settings.json', userClaude, 'claude-code', `${CMD} hook claude-code`);
      assert.equal(mergeAgentSettings('.claude/settings.json', once, 'claude-code', `${CMD} hook claude-code`), once);
    });

    it('replaces its own entries when the command changes, without duplicating them', () => {
      const once = mergeAgentSettings('.claude/settings.json', userClaude, 'claude-code', `${CMD} hook claude-code`);
      const again = mergeAgentSettings('.claude/settings.json', once, 'claude-code', 'node /opt/ai-provenance/dist/cli.js hook claude-code');
      const v = parse(again);
      assert.equal(v.hooks.PostToolUse.length, 2);
      assert.equal(v.hooks.PreToolUse.length, 1);
      assert.equal(v.hooks.PreToolUse[0].hooks[0].command, 'node /opt/ai-provenance/dist/cli.js hook claude-code');
    });

    it('restores the original text on unmerge', () => {
      const merged = mergeAgentSettings('.claude/settings.json', userClaude, 'claude-code', `${CMD} hook claude-code`);
      assert.equal(unmergeAgentSettings('.claude/settings.json', merged, 'claude-code'), userClaude);
    });

    it('removes only our hook from a group the user shares with it', () => {
      const shared = '{"hooks":{"PostToolUse":[{"matcher":"Edit","hooks":[{"type":"command","command":"lint"},{"type":"command","command":"ai-provenance hook claude-code"}]}]}}';
      const v = parse(unmergeAgentSettings('.claude/settings.json', shared, 'claude-code')!);
      assert.deepEqual(v.hooks.PostToolUse, [{ matcher: 'Edit', hooks: [{ type: 'command', command: 'lint' }] }]);
    });

    it('creates each agent file in its documented shape', () => {
      const cursor = parse(mergeAgentSettings('.cursor/hooks.json', undefined, 'cursor', `${CMD} hook cursor`));
      assert.equal(cursor.version, 1);
      assert.deepEqual(Object.keys(cursor.hooks), ['afterFileEdit', 'afterTabFileEdit', 'beforeShellExecution', 'afterShellExecution']);
      assert.deepEqual(cursor.hooks.afterFileEdit, [{ command: `${CMD} hook cursor`, timeout: 10 }]);
      const copilot = parse(mergeAgentSettings('.github/hooks/ai-provenance.json', undefined, 'copilot', `${CMD} hook copilot`));
      assert.deepEqual(copilot, {
        version: 1,
        hooks: {
          preToolUse: [{ type: 'command', bash: `${CMD} hook copilot`, powershell: `${CMD} hook copilot`, timeoutSec: 10 }],
          postToolUse: [{ type: 'command', bash: `${CMD} hook copilot`, powershell: `${CMD} hook copilot`, timeoutSec: 10 }],
        },
      });
      const gemini = parse(mergeAgentSettings('.gemini/settings.json', undefined, 'gemini-cli', `${CMD} hook gemini-cli`));
      assert.equal(gemini.hooks.BeforeTool[0].matcher, 'write_file|replace|run_shell_command');
      assert.equal(gemini.hooks.AfterTool[0].hooks[0].timeout, 10000);
      const codex = parse(mergeAgentSettings('.codex/hooks.json', undefined, 'codex', `${CMD} hook codex`));
      assert.equal(codex.hooks.PreToolUse[0].matcher, 'apply_patch|Bash');
    });

    it('refuses a file that is not valid JSON, naming the position, and changes nothing', () => {
      assert.throws(() => mergeAgentSettings('.claude/settings.json', '{\n  "hooks": {,\n}', 'claude-code', CMD), /^AgentSettingsError: \.claude\/settings\.json:2:13: /);
    });

    it('refuses hooks of the wrong type rather than overwrite them', () => {
      assert.throws(() => mergeAgentSettings('.claude/settings.json', '{"hooks": []}', 'claude-code', CMD), /"hooks" is not an object/);
      assert.throws(() => mergeAgentSettings('.claude/settings.json', '{"hooks": {"PreToolUse": {}}}', 'claude-code', CMD), /"hooks.PreToolUse" is not an array/);
    });
  });

  describe('installAgentHooks / uninstallAgentHooks', function () {
    this.timeout(20_000);
    let repo: string;
    beforeEach(() => (repo = makeRepo({ 'README.md': 'x\n' })));
    afterEach(() => cleanup(repo));

    it('writes all five agent files, idempotently, and uninstall removes exactly them', async () => {
      writeFile(repo, '.claude/settings.json', '{\n  "model": "opus"\n}\n');
      const agents = ['claude-code', 'codex', 'cursor', 'gemini-cli', 'copilot'];
      const changed = await installAgentHooks(repo, agents, 'node "/x/dist/cli.js"');
      assert.deepEqual(changed.sort(), Object.values(AGENT_SETTINGS).map((s) => s.file).sort());
      assert.deepEqual(await installAgentHooks(repo, agents, 'node "/x/dist/cli.js"'), []);
      const removed = await uninstallAgentHooks(repo);
      assert.deepEqual(removed.sort(), changed.sort());
      assert.equal(readFileSync(path.join(repo, '.claude/settings.json'), 'utf8'), '{\n  "model": "opus"\n}\n');
      for (const f of ['.codex/hooks.json', '.cursor/hooks.json', '.gemini/settings.json', '.github/hooks/ai-provenance.json']) {
        assert.equal(existsSync(path.join(repo, f)), false, f);
      }
      assert.equal(existsSync(path.join(repo, '.cursor')), false, 'the folder install created is gone');
      assert.equal(existsSync(path.join(repo, '.github')), false, 'and its parents, once empty');
    });

    it('keeps a settings folder that holds other files', async () => {
      writeFile(repo, '.github/workflows/ci.yml', 'on: push\n');
      await installAgentHooks(repo, ['copilot'], CMD);
      await uninstallAgentHooks(repo);
      assert.equal(existsSync(path.join(repo, '.github/hooks')), false);
      assert.equal(existsSync(path.join(repo, '.github/workflows/ci.yml')), true);
    });

    it('finds its entries on uninstall even when the command does not name ai-provenance', async () => {
      await installAgentHooks(repo, ['cursor'], 'node /opt/tools/cli.js');
      assert.deepEqual(await uninstallAgentHooks(repo), ['.cursor/hooks.json']);
    });

    it('rejects an unknown agent and writes nothing', async () => {
      await assert.rejects(installAgentHooks(repo, ['cursor', 'vim'], CMD), /unknown agent 'vim'/);
      assert.equal(existsSync(path.join(repo, '.cursor/hooks.json')), false);
    });

    it('writes nothing when one of the files cannot be merged', async () => {
      writeFile(repo, '.gemini/settings.json', '{ "hooks": [ }');
      await assert.rejects(installAgentHooks(repo, ['cursor', 'gemini-cli'], CMD), /\.gemini\/settings\.json:1:/);
      assert.equal(existsSync(path.join(repo, '.cursor/hooks.json')), false);
    });
  });
});
