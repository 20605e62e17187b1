import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AGENT_SETTINGS } from '../../../src/agents/install';
import { HOOK_AGENTS } from '../../../src/agents/index';
import { AGENT_HOOK_FILES, agentChoices, changedAgentFiles, HOOK_AGENT_IDS, parseAgentList } from '../../../src/extension/agentHooks';

describe('Install Agent Hooks command', () => {
  describe('the agents it offers', () => {
    it('are exactly the agents the CLI installs hooks for, with the same settings files', () => {
      assert.deepEqual([...HOOK_AGENT_IDS].sort(), [...HOOK_AGENTS].sort());
      for (const agent of HOOK_AGENTS) assert.equal(AGENT_HOOK_FILES[agent], AGENT_SETTINGS[agent].file, agent);
    });
  });

  describe('pre-selection', () => {
    let root: string;
    beforeEach(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-agent-choices-'));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it('selects nothing in a workspace without agent settings folders', async () => {
      const choices = await agentChoices(root);
      assert.deepEqual(choices.map((c) => c.agent), HOOK_AGENT_IDS);
      assert.deepEqual(choices.filter((c) => c.present), []);
    });

    it('selects the agents whose settings folder exists', async () => {
      fs.mkdirSync(path.join(root, '.claude'));
      fs.mkdirSync(path.join(root, '.github', 'hooks'), { recursive: true });
      const choices = await agentChoices(root);
      assert.deepEqual(choices.filter((c) => c.present).map((c) => c.agent), ['claude-code', 'copilot']);
    });

    it('does not take a plain .github folder, or a file named like a settings folder, as a sign of an agent', async () => {
      fs.mkdirSync(path.join(root, '.github', 'workflows'), { recursive: true });
      fs.writeFileSync(path.join(root, '.cursor'), 'not a folder');
      const choices = await agentChoices(root);
      assert.deepEqual(choices.filter((c) => c.present), []);
    });
  });

  describe('agents passed as an argument', () => {
    it('are taken in order, once each', () => {
      assert.deepEqual(parseAgentList(['codex', 'cursor', 'codex']), ['codex', 'cursor']);
    });

    it('refuse an unknown agent, naming it and the known ones', () => {
      assert.throws(() => parseAgentList(['codex', 'copilot-chat']), /unknown agent 'copilot-chat' \(one of claude-code, codex, cursor, gemini-cli, copilot, kiro\)/);
    });

    for (const bad of [[], 'codex', [1], null, {}]) {
      it(`refuse ${JSON.stringify(bad)} with a one-line message`, () => {
        assert.throws(
          () => parseAgentList(bad),
          (err: Error) => /'agents' must be a non-empty list of agent ids/.test(err.message) && !err.message.includes('\n'),
        );
      });
    }
  });

  describe('reading what the CLI changed', () => {
    it('lists the settings files from the install output, ignoring the git hook lines', () => {
      const out = 'installed: .git/hooks/prepare-commit-msg\nalready installed: .git/hooks/commit-msg\nagent hook added: .claude/settings.json\nagent hook added: .cursor/hooks.json\n';
      assert.deepEqual(changedAgentFiles(out), ['.claude/settings.json', '.cursor/hooks.json']);
    });

    it('lists nothing when every hook was already there', () => {
      assert.deepEqual(changedAgentFiles('already installed: .git/hooks/prepare-commit-msg\n'), []);
      assert.deepEqual(changedAgentFiles(''), []);
    });
  });
});
