import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'jsonc-parser';
import { AGENT_SETTINGS, hookCommands, installAgentHooks, mergeAgentSettings, planAgentHooks, uninstallAgentHooks, unmergeAgentSettings, type CliLocation } from '../../../src/agents/install';
import type { HookAgent } from '../../../src/agents/index';
import { discoverRepo, stateDir } from '../../../src/git/repo';
import { cliBundle } from '../git/hookEnv';
import { APP, applyCodexPatchOnDisk, cleanup, fixture, kinds, makeRepo, readFile, writeFile, type HookRun } from './helpers';

const LOCAL: CliLocation = { local: true };
/** An absolute path with a space and a `$`, which the shell must take literally. */
const ABS: CliLocation = { local: false, cliPath: '/opt/ai tools/$v/dist/cli.js' };
const ABS_Q = '"/opt/ai tools/\\$v/dist/cli.js"';
const ALL: HookAgent[] = ['claude-code', 'codex', 'cursor', 'gemini-cli', 'copilot'];

const CLAUDE_LOCAL = 'NODE_EXTRA_CA_CERTS= node "${CLAUDE_PROJECT_DIR:-$(git rev-parse --show-toplevel)}/node_modules/ai-provenance/dist/cli.js" hook claude-code';
const OLD_NPX = (agent: string) => `npx --no-install ai-provenance hook ${agent}`;

/** A project's .claude/settings.json before anything of ours is in it. */
const USER_CLAUDE = `{
    // project settings, hand-written
    "permissions": { "allow": ["Bash(npm test)"] },
    "hooks": {
        "PostToolUse": [
            { "matcher": "Edit", "hooks": [ { "type": "command", "command": "npx prettier --write" } ] }
        ]
    }
}
`;

/** USER_CLAUDE after the previous version's install, which started the CLI through npx. */
const OLD_CLAUDE = `{
    // project settings, hand-written
    "permissions": { "allow": ["Bash(npm test)"] },
    "hooks": {
        "PostToolUse": [
            { "matcher": "Edit", "hooks": [ { "type": "command", "command": "npx prettier --write" } ] },
            {
                "matcher": "Write|Edit|MultiEdit|Bash",
                "hooks": [
                    {
                        "type": "command",
                        "command": "npx --no-install ai-provenance hook claude-code",
                        "timeout": 10
                    }
                ]
            }
        ],
        "PreToolUse": [
            {
                "matcher": "Write|Edit|MultiEdit|Bash",
                "hooks": [
                    {
                        "type": "command",
                        "command": "npx --no-install ai-provenance hook claude-code",
                        "timeout": 10
                    }
                ]
            }
        ]
    }
}
`;

/** Each agent's file as the previous version wrote it, with `command` as the one command string it used. */
function previousVersionFile(agent: HookAgent, command: string): string {
  const group = (matcher: string, extra: Record<string, unknown>) => ({ matcher, hooks: [{ type: 'command', command, ...extra }] });
  const files: Record<HookAgent, unknown> = {
    'claude-code': { hooks: { PreToolUse: [group('Write|Edit|MultiEdit|Bash', { timeout: 10 })], PostToolUse: [group('Write|Edit|MultiEdit|Bash', { timeout: 10 })] } },
    codex: { hooks: { PreToolUse: [group('apply_patch|Bash', { timeout: 10 })], PostToolUse: [group('apply_patch|Bash', { timeout: 10 })] } },
    'gemini-cli': {
      hooks: {
        BeforeTool: [group('write_file|replace|run_shell_command', { name: 'ai-provenance', timeout: 10000 })],
        AfterTool: [group('write_file|replace|run_shell_command', { name: 'ai-provenance', timeout: 10000 })],
      },
    },
    cursor: { version: 1, hooks: Object.fromEntries(['afterFileEdit', 'afterTabFileEdit', 'beforeShellExecution', 'afterShellExecution'].map((e) => [e, [{ command, timeout: 10 }]])) },
    copilot: { version: 1, hooks: Object.fromEntries(['preToolUse', 'postToolUse'].map((e) => [e, [{ type: 'command', bash: command, powershell: command, timeoutSec: 10 }]])) },
  };
  return `${JSON.stringify(files[agent], null, 2)}\n`;
}

/** Every command string in a settings file, with the event it is under. */
function commandsIn(text: string): { event: string; command: string }[] {
  const v = parse(text) as { hooks: Record<string, Record<string, unknown>[]> };
  const out: { event: string; command: string }[] = [];
  for (const [event, list] of Object.entries(v.hooks)) {
    for (const item of list) {
      for (const h of Array.isArray(item['hooks']) ? (item['hooks'] as Record<string, unknown>[]) : [item]) {
        for (const f of ['command', 'commandWindows', 'bash', 'powershell']) if (typeof h[f] === 'string') out.push({ event, command: h[f] as string });
      }
    }
  }
  return out;
}

describe('agent settings', () => {
  describe('merging into an existing file', () => {
    it("keeps the user's hooks, keys, comments and indentation", () => {
      const out = mergeAgentSettings('.claude/settings.json', USER_CLAUDE, 'claude-code', LOCAL);
      assert.match(out, /\/\/ project settings, hand-written/);
      assert.match(out, /"permissions": \{ "allow": \["Bash\(npm test\)"\] \}/);
      assert.match(out, /\n        "PreToolUse": \[/, 'four-space indentation kept');
      const v = parse(out);
      assert.equal(v.hooks.PostToolUse.length, 2);
      assert.equal(v.hooks.PostToolUse[0].hooks[0].command, 'npx prettier --write');
      assert.deepEqual(v.hooks.PostToolUse[1], { matcher: 'Write|Edit|MultiEdit|Bash', hooks: [{ type: 'command', command: CLAUDE_LOCAL, timeout: 10 }] });
      assert.deepEqual(v.hooks.PreToolUse, [v.hooks.PostToolUse[1]]);
    });

    it('changes nothing when run twice', () => {
      for (const at of [LOCAL, ABS]) {
        for (const agent of ALL) {
          const file = AGENT_SETTINGS[agent].file;
          const once = mergeAgentSettings(file, agent === 'claude-code' ? USER_CLAUDE : undefined, agent, at);
          assert.equal(mergeAgentSettings(file, once, agent, at), once, `${agent} ${at.local ? 'local' : 'absolute'}`);
        }
      }
    });

    it('replaces its own entries when the CLI moves, without duplicating them', () => {
      const once = mergeAgentSettings('.claude/settings.json', USER_CLAUDE, 'claude-code', LOCAL);
      const v = parse(mergeAgentSettings('.claude/settings.json', once, 'claude-code', ABS));
      assert.equal(v.hooks.PostToolUse.length, 2);
      assert.equal(v.hooks.PreToolUse.length, 1);
      assert.equal(v.hooks.PreToolUse[0].hooks[0].command, `NODE_EXTRA_CA_CERTS= node ${ABS_Q} hook claude-code`);
    });

    it('restores the original text on unmerge', () => {
      const merged = mergeAgentSettings('.claude/settings.json', USER_CLAUDE, 'claude-code', LOCAL);
      assert.equal(unmergeAgentSettings('.claude/settings.json', merged, 'claude-code'), USER_CLAUDE);
    });

    it('removes only our hook from a group the user shares with it', () => {
      const shared = '{"hooks":{"PostToolUse":[{"matcher":"Edit","hooks":[{"type":"command","command":"lint"},{"type":"command","command":"ai-provenance hook claude-code"}]}]}}';
      const v = parse(unmergeAgentSettings('.claude/settings.json', shared, 'claude-code')!);
      assert.deepEqual(v.hooks.PostToolUse, [{ matcher: 'Edit', hooks: [{ type: 'command', command: 'lint' }] }]);
    });

    it("replaces the previous version's npx entries instead of adding a second set, and unmerge leaves the user's text", () => {
      const out = mergeAgentSettings('.claude/settings.json', OLD_CLAUDE, 'claude-code', LOCAL);
      assert.deepEqual(
        commandsIn(out).filter((c) => c.command !== 'npx prettier --write'),
        [
          { event: 'PostToolUse', command: CLAUDE_LOCAL },
          { event: 'PreToolUse', command: CLAUDE_LOCAL },
        ],
      );
      assert.equal(unmergeAgentSettings('.claude/settings.json', out, 'claude-code'), USER_CLAUDE);
      assert.equal(unmergeAgentSettings('.claude/settings.json', OLD_CLAUDE, 'claude-code'), USER_CLAUDE, 'the old entries alone are found too');
    });

    it('leaves alone user hooks that only look like ours', () => {
      const user = '{"hooks":{"PostToolUse":[{"matcher":"Edit","hooks":[{"type":"command","command":"node \\"scripts/check.js\\" hook claude-code"},{"type":"command","command":"npm run hook"}]}]}}';
      assert.equal(unmergeAgentSettings('.claude/settings.json', user, 'claude-code'), user);
    });

    it('creates each agent file in its documented shape, for the project copy', () => {
      const file = (agent: HookAgent) => parse(mergeAgentSettings(AGENT_SETTINGS[agent].file, undefined, agent, LOCAL));
      const group = (matcher: string, hook: Record<string, unknown>) => [{ matcher, hooks: [{ type: 'command', ...hook }] }];
      const claude = group('Write|Edit|MultiEdit|Bash', { command: CLAUDE_LOCAL, timeout: 10 });
      assert.deepEqual(file('claude-code'), { hooks: { PreToolUse: claude, PostToolUse: claude } });
      // Codex runs `command` in the session directory, maybe a subdirectory; cmd.exe runs commandWindows.
      const codex = group('apply_patch|Bash', {
        command: `sh -c 'NODE_EXTRA_CA_CERTS= node "$(git rev-parse --show-toplevel)/node_modules/ai-provenance/dist/cli.js" hook codex'`,
        commandWindows: 'npx --no-install ai-provenance hook codex',
        timeout: 10,
      });
      assert.deepEqual(file('codex'), { hooks: { PreToolUse: codex, PostToolUse: codex } });
      // One string for bash and PowerShell, run in the directory whose .gemini/settings.json it comes from.
      const gemini = group('write_file|replace|run_shell_command', { command: 'node node_modules/ai-provenance/dist/cli.js hook gemini-cli', name: 'ai-provenance', timeout: 10000 });
      assert.deepEqual(file('gemini-cli'), { hooks: { BeforeTool: gemini, AfterTool: gemini } });
      const cursor = [{ command: 'node node_modules/ai-provenance/dist/cli.js hook cursor', timeout: 10 }];
      assert.deepEqual(file('cursor'), { version: 1, hooks: { afterFileEdit: cursor, afterTabFileEdit: cursor, beforeShellExecution: cursor, afterShellExecution: cursor } });
      const copilot = [
        {
          type: 'command',
          bash: 'NODE_EXTRA_CA_CERTS= node node_modules/ai-provenance/dist/cli.js hook copilot',
          powershell: 'node node_modules/ai-provenance/dist/cli.js hook copilot',
          cwd: '.',
          timeoutSec: 10,
        },
      ];
      assert.deepEqual(file('copilot'), { version: 1, hooks: { preToolUse: copilot, postToolUse: copilot } });
    });

    it('creates each agent file in its documented shape, for an absolute path', () => {
      const file = (agent: HookAgent) => parse(mergeAgentSettings(AGENT_SETTINGS[agent].file, undefined, agent, ABS));
      const group = (matcher: string, hook: Record<string, unknown>) => [{ matcher, hooks: [{ type: 'command', ...hook }] }];
      const claude = group('Write|Edit|MultiEdit|Bash', { command: `NODE_EXTRA_CA_CERTS= node ${ABS_Q} hook claude-code`, timeout: 10 });
      assert.deepEqual(file('claude-code'), { hooks: { PreToolUse: claude, PostToolUse: claude } });
      const codex = group('apply_patch|Bash', { command: `sh -c 'NODE_EXTRA_CA_CERTS= node ${ABS_Q} hook codex'`, commandWindows: `node ${ABS_Q} hook codex`, timeout: 10 });
      assert.deepEqual(file('codex'), { hooks: { PreToolUse: codex, PostToolUse: codex } });
      const gemini = group('write_file|replace|run_shell_command', { command: `node ${ABS_Q} hook gemini-cli`, name: 'ai-provenance', timeout: 10000 });
      assert.deepEqual(file('gemini-cli'), { hooks: { BeforeTool: gemini, AfterTool: gemini } });
      const cursor = [{ command: `node ${ABS_Q} hook cursor`, timeout: 10 }];
      assert.deepEqual(file('cursor'), { version: 1, hooks: { afterFileEdit: cursor, afterTabFileEdit: cursor, beforeShellExecution: cursor, afterShellExecution: cursor } });
      const copilot = [{ type: 'command', bash: `NODE_EXTRA_CA_CERTS= node ${ABS_Q} hook copilot`, powershell: `node ${ABS_Q} hook copilot`, timeoutSec: 10 }];
      assert.deepEqual(file('copilot'), { version: 1, hooks: { preToolUse: copilot, postToolUse: copilot } });
    });

    it('refuses a file that is not valid JSON, naming the position, and changes nothing', () => {
      assert.throws(() => mergeAgentSettings('.claude/settings.json', '{\n  "hooks": {,\n}', 'claude-code', LOCAL), /^AgentSettingsError: \.claude\/settings\.json:2:13: /);
    });

    it('refuses hooks of the wrong type rather than overwrite them', () => {
      assert.throws(() => mergeAgentSettings('.claude/settings.json', '{"hooks": []}', 'claude-code', LOCAL), /"hooks" is not an object/);
      assert.throws(() => mergeAgentSettings('.claude/settings.json', '{"hooks": {"PreToolUse": {}}}', 'claude-code', LOCAL), /"hooks.PreToolUse" is not an array/);
    });
  });

  describe('installAgentHooks / uninstallAgentHooks', function () {
    let repo: string;
    beforeEach(() => (repo = makeRepo({ 'README.md': 'x\n' })));
    afterEach(() => cleanup(repo));

    it('writes all five agent files, idempotently, and uninstall removes exactly them', async () => {
      writeFile(repo, '.claude/settings.json', '{\n  "model": "opus"\n}\n');
      const at: CliLocation = { local: false, cliPath: '/x/dist/cli.js' };
      const changed = await installAgentHooks(repo, ALL, at);
      assert.deepEqual(changed.sort(), Object.values(AGENT_SETTINGS).map((s) => s.file).sort());
      const written = Object.values(AGENT_SETTINGS).map((s) => readFile(repo, s.file));
      assert.deepEqual(await installAgentHooks(repo, ALL, at), []);
      assert.deepEqual(
        Object.values(AGENT_SETTINGS).map((s) => readFile(repo, s.file)),
        written,
        'byte for byte',
      );
      const removed = await uninstallAgentHooks(repo);
      assert.deepEqual(removed.sort(), changed.sort());
      assert.equal(readFile(repo, '.claude/settings.json'), '{\n  "model": "opus"\n}\n');
      for (const f of ['.codex/hooks.json', '.cursor/hooks.json', '.gemini/settings.json', '.github/hooks/ai-provenance.json']) {
        assert.equal(existsSync(path.join(repo, f)), false, f);
      }
      assert.equal(existsSync(path.join(repo, '.cursor')), false, 'the folder install created is gone');
      assert.equal(existsSync(path.join(repo, '.github')), false, 'and its parents, once empty');
    });

    it('remembers every command string it wrote, the Windows ones included', async () => {
      await installAgentHooks(repo, ALL, ABS);
      const manifest = JSON.parse(readFileSync(path.join(stateDir(await discoverRepo(repo)), 'agent-hooks.json'), 'utf8')) as { commands: string[] };
      assert.deepEqual(manifest.commands.sort(), ALL.flatMap((a) => Object.values(hookCommands(a, ABS))).sort());
      assert.ok(manifest.commands.includes(`node ${ABS_Q} hook codex`), 'commandWindows');
      assert.ok(manifest.commands.includes(`node ${ABS_Q} hook copilot`), 'powershell');
    });

    it('keeps a settings folder that holds other files', async () => {
      writeFile(repo, '.github/workflows/ci.yml', 'on: push\n');
      await installAgentHooks(repo, ['copilot'], LOCAL);
      await uninstallAgentHooks(repo);
      assert.equal(existsSync(path.join(repo, '.github/hooks')), false);
      assert.equal(existsSync(path.join(repo, '.github/workflows/ci.yml')), true);
    });

    it('finds its entries on uninstall even when the command looks like nothing of ours', async () => {
      await installAgentHooks(repo, ['cursor'], { local: false, cliPath: '/opt/tools/run' });
      assert.deepEqual(await uninstallAgentHooks(repo), ['.cursor/hooks.json']);
    });

    it('over an install of the previous version, leaves one entry of ours, and uninstall restores the user text', async () => {
      writeFile(repo, '.claude/settings.json', OLD_CLAUDE);
      assert.deepEqual(await installAgentHooks(repo, ['claude-code'], LOCAL), ['.claude/settings.json']);
      const ours = commandsIn(readFile(repo, '.claude/settings.json')).filter((c) => c.command !== 'npx prettier --write');
      assert.deepEqual(ours, [
        { event: 'PostToolUse', command: CLAUDE_LOCAL },
        { event: 'PreToolUse', command: CLAUDE_LOCAL },
      ]);
      assert.deepEqual(await uninstallAgentHooks(repo), ['.claude/settings.json']);
      assert.equal(readFile(repo, '.claude/settings.json'), USER_CLAUDE);
    });

    for (const [form, old] of [
      ['npx --no-install ai-provenance', OLD_NPX],
      ['node "<absolute path>"', (agent: string) => `node "/home/someone else/.npm-global/lib/node_modules/ai-provenance/dist/cli.js" hook ${agent}`],
    ] as const) {
      it(`replaces the previous version's \`${form}\` entries in every agent file, without its manifest`, async () => {
        // The settings files are committed; the manifest, under .git, is not: a clone has the entries but not the list.
        for (const agent of ALL) writeFile(repo, AGENT_SETTINGS[agent].file, previousVersionFile(agent, old(agent)));
        await installAgentHooks(repo, ALL, LOCAL);
        for (const agent of ALL) {
          const got = commandsIn(readFile(repo, AGENT_SETTINGS[agent].file));
          const events: string[] = Object.keys(AGENT_SETTINGS[agent].entries(LOCAL));
          const want: { event: string; command: string }[] = events.flatMap((event) => Object.values(hookCommands(agent, LOCAL)).map((command) => ({ event, command })));
          assert.deepEqual(got, want, agent);
        }
        await uninstallAgentHooks(repo);
        for (const agent of ALL) assert.equal(existsSync(path.join(repo, AGENT_SETTINGS[agent].file)), false, agent);
      });
    }

    it("keeps another tool's `node \"…/dist/cli.js\" hook <agent>` entry, and takes an earlier absolute entry of ours found by its package", async () => {
      // A checkout of this package whose path does not say so: its package.json does.
      const checkout = path.join(repo, '..', `checkout-${path.basename(repo)}`);
      writeFile(checkout, 'package.json', JSON.stringify({ name: 'ai-provenance' }));
      writeFile(checkout, 'dist/cli.js', '');
      const other = path.join(repo, '..', `other-${path.basename(repo)}`);
      writeFile(other, 'package.json', JSON.stringify({ name: 'other-hooks' }));
      writeFile(other, 'dist/cli.js', '');
      const entry = (command: string) => ({ matcher: 'Edit', hooks: [{ type: 'command', command }] });
      const otherCommand = `node "${other}/dist/cli.js" hook claude-code`;
      writeFile(repo, '.claude/settings.json', JSON.stringify({ hooks: { PostToolUse: [entry(otherCommand), entry(`node "${checkout}/dist/cli.js" hook claude-code`)] } }, null, 2) + '\n');
      await installAgentHooks(repo, ['claude-code'], LOCAL);
      assert.deepEqual(
        commandsIn(readFile(repo, '.claude/settings.json')),
        [
          { event: 'PostToolUse', command: otherCommand },
          { event: 'PostToolUse', command: CLAUDE_LOCAL },
          { event: 'PreToolUse', command: CLAUDE_LOCAL },
        ],
      );
      await uninstallAgentHooks(repo);
      assert.deepEqual(commandsIn(readFile(repo, '.claude/settings.json')), [{ event: 'PostToolUse', command: otherCommand }]);
    });

    it('writes nothing when a settings file changed between reading and writing it', async () => {
      writeFile(repo, '.claude/settings.json', USER_CLAUDE);
      const plan = await planAgentHooks(repo, ['cursor', 'claude-code'], LOCAL);
      writeFile(repo, '.claude/settings.json', USER_CLAUDE.replace('prettier', 'eslint'));
      await assert.rejects(plan.apply(), /\.claude\/settings\.json changed while installing/);
      assert.equal(readFile(repo, '.claude/settings.json'), USER_CLAUDE.replace('prettier', 'eslint'));
      assert.equal(existsSync(path.join(repo, '.cursor/hooks.json')), false);
    });

    it('rejects an unknown agent and writes nothing', async () => {
      await assert.rejects(installAgentHooks(repo, ['cursor', 'vim'], LOCAL), /unknown agent 'vim'/);
      assert.equal(existsSync(path.join(repo, '.cursor/hooks.json')), false);
    });

    it('writes nothing when one of the files cannot be merged', async () => {
      writeFile(repo, '.gemini/settings.json', '{ "hooks": [ }');
      await assert.rejects(installAgentHooks(repo, ['cursor', 'gemini-cli'], LOCAL), /\.gemini\/settings\.json:1:/);
      assert.equal(existsSync(path.join(repo, '.cursor/hooks.json')), false);
    });
  });

  describe('the commands `ai-provenance install --agents` writes, run as each agent runs them', function () {
    const EDITED = APP.replace('  return 1;\n', '  const total = items.reduce((sum, i) => sum + i.price, 0);\n  return total;\n');
    let repo: string;
    let extra: string | undefined;
    /** Where Node would find a CA bundle: nowhere, so a Node that reads the variable says so on stderr. */
    let missingCa: string;

    beforeEach(() => {
      repo = makeRepo({ '.gitignore': 'node_modules/\n', 'src/app.ts': APP, 'src/old.ts': 'export const old = true;\n', 'src/gone.ts': 'export {};\n' });
      missingCa = path.join(repo, 'no-such-ca.pem');
      extra = undefined;
    });
    afterEach(() => {
      cleanup(repo);
      if (extra) cleanup(extra);
    });

    /** The CLI as it ships (launcher and command bundles), copied into `dir`. */
    function copyCli(dir: string): string {
      const built = path.dirname(cliBundle().cli);
      mkdirSync(dir, { recursive: true });
      for (const f of readdirSync(built)) if (/^cli.*\.js$/.test(f)) copyFileSync(path.join(built, f), path.join(dir, f));
      return path.join(dir, 'cli.js');
    }

    /** An agent's environment: this Node first on PATH, no code cache, nothing of the test run's own agent or git. */
    function agentEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
      const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env['PATH'] ?? ''}`, AI_PROVENANCE_CACHE_DIR: '' };
      for (const k of ['CLAUDE_PROJECT_DIR', 'GEMINI_PROJECT_DIR', 'CURSOR_PROJECT_DIR', 'NODE_EXTRA_CA_CERTS', 'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete env[k];
      return { ...env, ...vars };
    }

    function install(cli: string, agents: string): void {
      const r = spawnSync(process.execPath, [cli, 'install', '--agents', agents], { cwd: repo, env: agentEnv({}), encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }

    function shell(sh: string, command: string, cwd: string, input: string, env: NodeJS.ProcessEnv): HookRun {
      const r = spawnSync(sh, ['-c', command], { cwd, input, env, encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    }

    /** Exit 0 and not a byte on stdout or stderr: no error, and no warning about the CA bundle either. */
    function silent(r: HookRun): void {
      assert.deepEqual(r, { status: 0, stdout: '', stderr: '' });
    }

    /** Runs `command` as the agent does around one edit: its before-event, `edit` on disk, its after-event; each silent. */
    function aroundEdit(sh: 'sh' | 'bash', command: string, cwd: string, agent: string, [pre, post]: [string, string], env: NodeJS.ProcessEnv, edit: () => void): void {
      silent(shell(sh, command, cwd, fixture(agent, pre, { repo }), env));
      edit();
      silent(shell(sh, command, cwd, fixture(agent, post, { repo }), env));
    }

    const settings = (agent: HookAgent) => parse(readFile(repo, AGENT_SETTINGS[agent].file));

    /** Puts the CLI where a project's own copy is and installs the agents' hooks with it, as `npx ai-provenance install` would. */
    function installLocal(agents: string): void {
      copyCli(path.join(repo, 'node_modules/ai-provenance/dist'));
      install(path.join(repo, 'node_modules/ai-provenance/dist/cli.js'), agents);
    }


    async function codexRecorded(): Promise<void> {
      assert.deepEqual(await kinds(repo, 'docs/notes.md'), ['ai@codex', 'ai@codex', 'human']);
      assert.match((await kinds(repo, 'src/app.ts'))[1]!, /@codex$/);
      assert.match((await kinds(repo, 'src/renamed.ts'))[0]!, /@codex$/);
    }

    it("claude-code, the project's copy: sh -c from a subdirectory records the Edit", async () => {
      installLocal('claude-code');
      const command = settings('claude-code').hooks.PreToolUse[0].hooks[0].command as string;
      assert.equal(command, CLAUDE_LOCAL);
      // Claude Code's current directory follows its `cd`; CLAUDE_PROJECT_DIR stays the project root.
      const env = agentEnv({ CLAUDE_PROJECT_DIR: repo, NODE_EXTRA_CA_CERTS: missingCa });
      aroundEdit('sh', command, path.join(repo, 'src'), 'claude-code', ['pre-edit', 'post-edit'], env, () => writeFile(repo, 'src/app.ts', EDITED));
      const k = await kinds(repo, 'src/app.ts');
      assert.deepEqual([k[0], ...k.slice(3)], ['human', 'human', 'human', 'human']);
      assert.match(k[1]!, /@claude-code$/);
      assert.match(k[2]!, /@claude-code$/);
    });

    it("claude-code, the project's copy: without CLAUDE_PROJECT_DIR, git names the root from a subdirectory", async () => {
      installLocal('claude-code');
      const command = settings('claude-code').hooks.PreToolUse[0].hooks[0].command as string;
      const env = agentEnv({ NODE_EXTRA_CA_CERTS: missingCa });
      assert.equal(env['CLAUDE_PROJECT_DIR'], undefined);
      aroundEdit('sh', command, path.join(repo, 'src'), 'claude-code', ['pre-edit', 'post-edit'], env, () => writeFile(repo, 'src/app.ts', EDITED));
      const k = await kinds(repo, 'src/app.ts');
      assert.match(k[1]!, /@claude-code$/);
      assert.match(k[2]!, /@claude-code$/);
    });

    it("codex, the project's copy: sh -c from a subdirectory, with no project variable, records the apply_patch", async () => {
      installLocal('codex');
      const command = settings('codex').hooks.PostToolUse[0].hooks[0].command as string;
      assert.match(command, /^sh -c 'NODE_EXTRA_CA_CERTS= node "\$\(git rev-parse --show-toplevel\)\//);
      const env = agentEnv({ NODE_EXTRA_CA_CERTS: missingCa });
      const cwd = path.join(repo, 'src');
      aroundEdit('sh', command, cwd, 'codex', ['pre-apply-patch', 'post-apply-patch'], env, () => applyCodexPatchOnDisk(repo));
      await codexRecorded();
    });

    it("gemini-cli, the project's copy: bash -c in the directory Gemini started in records the write_file", async () => {
      installLocal('gemini-cli');
      // Gemini reads .gemini/settings.json only from the directory it was started in, and runs hooks there.
      const command = settings('gemini-cli').hooks.AfterTool[0].hooks[0].command as string;
      const env = agentEnv({ GEMINI_PROJECT_DIR: repo, CLAUDE_PROJECT_DIR: repo });
      aroundEdit('bash', command, repo, 'gemini-cli', ['before-write-file', 'after-write-file'], env, () => writeFile(repo, 'src/new.ts', 'export const a = 1;\nexport const b = 2;\n'));
      assert.deepEqual(await kinds(repo, 'src/new.ts'), ['ai@gemini-cli', 'ai@gemini-cli', 'human']);
    });

    it("cursor, the project's copy: run from the project root, records a shell command's file", async () => {
      installLocal('cursor');
      const command = settings('cursor').hooks.afterShellExecution[0].command as string;
      aroundEdit('bash', command, repo, 'cursor', ['before-shell-execution', 'after-shell-execution'], agentEnv({}), () => writeFile(repo, 'src/generated.ts', 'export const n = 1;\n'));
      assert.deepEqual(await kinds(repo, 'src/generated.ts'), ['ai@cursor', 'human']);
    });

    it("copilot, the project's copy: `bash` in its `cwd` records the create", async () => {
      installLocal('copilot');
      const hook = settings('copilot').hooks.postToolUse[0] as { bash: string; cwd: string };
      // `cwd` is relative to the repository root.
      const cwd = path.resolve(repo, hook.cwd);
      const env = agentEnv({ NODE_EXTRA_CA_CERTS: missingCa });
      aroundEdit('bash', hook.bash, cwd, 'copilot', ['pre-tool-use-create', 'post-tool-use-create'], env, () => writeFile(repo, 'src/new.ts', 'export const a = 1;\nexport const b = 2;\n'));
      assert.deepEqual(await kinds(repo, 'src/new.ts'), ['ai@copilot', 'ai@copilot', 'human']);
    });

    /** This CLI copied to a folder whose name has a space and a `$`, which the shell must take literally. */
    function oddlyPlacedCli(): string {
      extra = mkdtempSync(path.join(tmpdir(), 'aip-abs-'));
      return copyCli(path.join(extra, 'ai tools $HOME'));
    }

    it('claude-code, an absolute path with a space and a `$`: sh -c from a subdirectory records the Edit', async () => {
      const cli = oddlyPlacedCli();
      install(cli, 'claude-code');
      const command = settings('claude-code').hooks.PreToolUse[0].hooks[0].command as string;
      assert.equal(command, `NODE_EXTRA_CA_CERTS= node "${realpathSync(cli).replace(/(["\\$`])/g, '\\$1')}" hook claude-code`);
      const env = agentEnv({ NODE_EXTRA_CA_CERTS: missingCa });
      const cwd = path.join(repo, 'src');
      aroundEdit('sh', command, cwd, 'claude-code', ['pre-edit', 'post-edit'], env, () => writeFile(repo, 'src/app.ts', EDITED));
      assert.match((await kinds(repo, 'src/app.ts'))[1]!, /@claude-code$/);
    });

    it('codex, an absolute path with a space and a `$`: sh -c from a subdirectory records the apply_patch', async () => {
      install(oddlyPlacedCli(), 'codex');
      const command = settings('codex').hooks.PreToolUse[0].hooks[0].command as string;
      const env = agentEnv({ NODE_EXTRA_CA_CERTS: missingCa });
      const cwd = path.join(repo, 'src');
      aroundEdit('sh', command, cwd, 'codex', ['pre-apply-patch', 'post-apply-patch'], env, () => applyCodexPatchOnDisk(repo));
      await codexRecorded();
    });
  });
});
