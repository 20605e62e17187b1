// The guard at the source (PRODUCT.md §12), driven through the real bundle (`node dist/cli.js hook <agent>`) with
// payloads shaped as each agent documents them (test/fixtures/agents/README.md names the sources): an edit into a
// critical path or a matching shell command gets the agent's own decision JSON on stdout and nothing else there.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import type { HookAgent } from '../../../src/agents/index';
import { APP, buildCli, cleanup, fixture, git, makeRepo, provenance, runHook, writeFile, type HookRun } from './helpers';

const CONFIG = '.ai-provenance.json';

/** A config where src/app.ts (the file every fixture edits) falls under a rule with `agents`. */
function config(agents: 'allow' | 'ask' | 'deny' | undefined, commands: unknown[] = []): string {
  const rule = { paths: ['src/app.ts'], reason: 'Billing core', level: 'block', reviewers: ['jane@example.com'], ...(agents ? { agents } : {}) };
  return `${JSON.stringify({ critical: [rule, { paths: ['docs/**'], reason: 'Docs', level: 'warn' }], commands }, null, 2)}\n`;
}

const COMMAND_RULES = [
  { match: ['terraform destroy', 'terraform apply -destroy'], reason: 'Destroys production infrastructure', agents: 'deny' },
  { match: ['kubectl delete'], reason: 'Deletes cluster resources', agents: 'ask' },
  { match: ['rm -rf @critical'], reason: 'Deletes critical files', agents: 'deny' },
];

const EDIT_REASON = (what: string): string =>
  `AI Provenance: src/app.ts is a critical path (critical[0]: Billing core); ${what}; allowed reviewers: jane@example.com.`;
const DENY_EDIT = EDIT_REASON('agents may not edit it: leave this change to a person');
const ASK_EDIT = EDIT_REASON('an agent edits it only with the approval of the person at the keyboard');
const CANNOT_ASK = ' (this agent cannot ask the person from a hook, so it is stopped instead: approve by making the change yourself)';
const DENY_TERRAFORM = 'AI Provenance: this command matches "terraform destroy" (commands[0]: Destroys production infrastructure); agents may not run it: leave it to a person.';
const ASK_KUBECTL = 'AI Provenance: this command matches "kubectl delete" (commands[1]: Deletes cluster resources); an agent runs it only with the approval of the person at the keyboard.';

/** The exact JSON each agent documents for its pre-tool answer. */
type JsonAgent = Exclude<HookAgent, 'kiro'>;

const EXPECTED: Record<JsonAgent, (decision: 'ask' | 'deny', reason: string, shell: boolean) => unknown> = {
  'claude-code': (decision, reason) => ({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: decision, permissionDecisionReason: reason } }),
  codex: (decision, reason) => ({
    hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: decision === 'ask' ? reason + CANNOT_ASK : reason },
  }),
  'gemini-cli': (decision, reason) => {
    const r = decision === 'ask' ? reason + CANNOT_ASK : reason;
    return { decision: 'deny', reason: r, systemMessage: r };
  },
  copilot: (decision, reason) => ({ permissionDecision: decision, permissionDecisionReason: reason }),
  cursor: (decision, reason, shell) => {
    const ask = decision === 'ask' && shell;
    const r = decision === 'ask' && !shell ? reason + CANNOT_ASK : reason;
    return { permission: ask ? 'ask' : 'deny', user_message: r, agent_message: r };
  },
};

/** Each agent's documented pre-edit fixture for src/app.ts, and its shell fixture taking `${COMMAND}`. */
const PRE_EDIT: Record<JsonAgent, string> = {
  'claude-code': 'pre-edit',
  codex: 'pre-apply-patch',
  'gemini-cli': 'before-replace',
  copilot: 'pre-tool-use-edit',
  cursor: 'pre-tool-use-write',
};
const PRE_SHELL: Record<JsonAgent, string> = {
  'claude-code': 'pre-bash-command',
  codex: 'pre-bash-command',
  'gemini-cli': 'before-run-shell-command-command',
  copilot: 'pre-tool-use-bash-command',
  cursor: 'before-shell-execution-command',
};
const AGENTS = Object.keys(PRE_EDIT) as JsonAgent[];

/** Exactly one JSON value on stdout, exit 0. */
function answered(r: HookRun): unknown {
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.endsWith('\n') && r.stdout.indexOf('\n') === r.stdout.length - 1, `one line on stdout, got ${JSON.stringify(r.stdout)}`);
  return JSON.parse(r.stdout);
}

/** Nothing on stdout, exit 0: the agent goes on. */
function allowed(r: HookRun): void {
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
}

describe('guard at the source: agent pre-tool decisions', function () {
  let repo: string;

  before(() => buildCli());
  beforeEach(() => {
    repo = makeRepo({ 'src/app.ts': APP, 'src/old.ts': 'export const old = true;\n', 'src/gone.ts': 'export {};\n', 'infra/main.tf': 'resource "x" "y" {}\n' });
  });
  afterEach(() => cleanup(repo));

  function commitConfig(text: string): void {
    writeFile(repo, CONFIG, text);
    git(repo, 'add', CONFIG);
    git(repo, 'commit', '-q', '-m', 'config');
  }

  for (const agent of AGENTS) {
    describe(agent, () => {
      it('answers an edit into a deny path with its documented deny JSON', () => {
        commitConfig(config('deny'));
        const r = runHook(agent, fixture(agent, PRE_EDIT[agent], { repo }), repo);
        assert.deepEqual(answered(r), EXPECTED[agent]('deny', DENY_EDIT, false));
        // The reason also reaches the person's terminal log, in one line.
        assert.match(r.stderr, /src\/app\.ts is a critical path/);
      });

      it('answers an edit into an ask path with its ask form', () => {
        commitConfig(config('ask'));
        assert.deepEqual(answered(runHook(agent, fixture(agent, PRE_EDIT[agent], { repo }), repo)), EXPECTED[agent]('ask', ASK_EDIT, false));
      });

      it('lets an edit into an allow path (and a rule without "agents") through with nothing on stdout', () => {
        commitConfig(config('allow'));
        allowed(runHook(agent, fixture(agent, PRE_EDIT[agent], { repo }), repo));
        commitConfig(config(undefined));
        allowed(runHook(agent, fixture(agent, PRE_EDIT[agent], { repo }), repo));
      });

      it('answers matching shell commands and lets look-alikes through', () => {
        commitConfig(config(undefined, COMMAND_RULES));
        const shell = (command: string): HookRun => runHook(agent, fixture(agent, PRE_SHELL[agent], { repo, command }), repo);
        assert.deepEqual(answered(shell('terraform -chdir=infra destroy -auto-approve')), EXPECTED[agent]('deny', DENY_TERRAFORM, true));
        assert.deepEqual(answered(shell('kubectl -n prod delete deployment api')), EXPECTED[agent]('ask', ASK_KUBECTL, true));
        for (const lookAlike of ['echo "terraform destroy"', 'git commit -m "terraform destroy"', 'terraform plan -destroy', 'grep -r kubectl-delete .', 'rm -rf build']) {
          allowed(shell(lookAlike));
        }
      });
    });
  }

  describe('kiro (CLI): stopped by exit status 2, the reason alone on stderr', () => {
    it('stops an fs_write into a deny or ask path, and lets an allowed one through', () => {
      commitConfig(config('deny'));
      const deny = runHook('kiro', fixture('kiro', 'pre-tool-use-write', { repo }), repo);
      assert.deepEqual(deny, { status: 2, stdout: '', stderr: `${DENY_EDIT}\n` });
      commitConfig(config('ask'));
      const ask = runHook('kiro', fixture('kiro', 'pre-tool-use-write', { repo }), repo);
      assert.deepEqual(ask, { status: 2, stdout: '', stderr: `${ASK_EDIT}${CANNOT_ASK}\n` });
      commitConfig(config('allow'));
      allowed(runHook('kiro', fixture('kiro', 'pre-tool-use-write', { repo }), repo));
    });

    it('stops a matching execute_bash command and lets look-alikes through', () => {
      commitConfig(config(undefined, COMMAND_RULES));
      const shell = (command: string): HookRun => runHook('kiro', fixture('kiro', 'pre-tool-use-shell-command', { repo, command }), repo);
      assert.deepEqual(shell('terraform -chdir=infra destroy -auto-approve'), { status: 2, stdout: '', stderr: `${DENY_TERRAFORM}\n` });
      allowed(shell('echo "terraform destroy"'));
    });

    it('records the lines an fs_write changed, diffing against the preToolUse snapshot', async () => {
      allowed(runHook('kiro', fixture('kiro', 'pre-tool-use-write', { repo }), repo));
      writeFile(repo, 'src/app.ts', APP.replace('  return 1;\n', '  const total = items.reduce((sum, i) => sum + i.price, 0);\n  return total;\n'));
      allowed(runHook('kiro', fixture('kiro', 'post-tool-use-write', { repo }), repo));
      const lines = (await provenance(repo, 'src/app.ts'))!;
      assert.deepEqual(lines.map((l) => (l.kind === 'human' ? 'human' : l.attribution?.agent)), ['human', 'kiro', 'kiro', 'human', 'human', 'human']);
    });
  });

  describe('broken, missing and malformed input (§12)', () => {
    it('keeps HEAD\'s rules when the working config is broken, and names the position', () => {
      commitConfig(config('deny'));
      writeFile(repo, CONFIG, '{ "critical": [ \n');
      const r = runHook('claude-code', fixture('claude-code', 'pre-edit', { repo }), repo);
      assert.deepEqual(answered(r), EXPECTED['claude-code']('deny', DENY_EDIT, false));
      assert.match(r.stderr, /\.ai-provenance\.json:2:1: .*the config committed in HEAD applies/);
    });

    it('keeps HEAD\'s rules when the working config is deleted', () => {
      commitConfig(config('deny'));
      rmSync(path.join(repo, CONFIG));
      const r = runHook('claude-code', fixture('claude-code', 'pre-edit', { repo }), repo);
      assert.deepEqual(answered(r), EXPECTED['claude-code']('deny', DENY_EDIT, false));
      assert.match(r.stderr, /deleted in the working tree; the config committed in HEAD applies/);
    });

    it('allows, and says so on stderr, when the config is broken and HEAD has none', () => {
      writeFile(repo, CONFIG, config('deny').replace('"deny"', '"never"'));
      const r = runHook('claude-code', fixture('claude-code', 'pre-edit', { repo }), repo);
      allowed(r);
      assert.match(r.stderr, /\.ai-provenance\.json:\d+:\d+: critical\[0\]\.agents: unknown agents "never".*critical-path rules are not applied until it is fixed/);
    });

    it('allows silently without any config', () => {
      const r = runHook('claude-code', fixture('claude-code', 'pre-edit', { repo }), repo);
      allowed(r);
      assert.equal(r.stderr, '');
    });

    it('allows a malformed payload with one line on stderr and nothing on stdout', () => {
      commitConfig(config('deny'));
      for (const payload of ['{"hook_event_name": "PreToolUse", "tool_name": "Edit"', '{"hook_event_name": "PreToolUse", "tool_name": "Edit", "tool_input": {}}', '[]']) {
        const r = runHook('claude-code', payload, repo);
        allowed(r);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
        assert.match(r.stderr, /nothing recorded/);
      }
    });

    it('sees through relative paths and `..` to the critical file', () => {
      commitConfig(config('deny'));
      const payload = fixture('claude-code', 'pre-edit', { repo }).replace(`${repo}/src/app.ts`, `${repo}/docs/../src/app.ts`);
      assert.deepEqual(answered(runHook('claude-code', payload, repo)), EXPECTED['claude-code']('deny', DENY_EDIT, false));
    });

    it('shows repository text safely: control characters in a reason are escaped', () => {
      commitConfig(config('deny').replace('Billing core', 'Billing\\u001b[31m core'));
      const r = runHook('claude-code', fixture('claude-code', 'pre-edit', { repo }), repo);
      const out = answered(r) as { hookSpecificOutput: { permissionDecisionReason: string } };
      assert.match(out.hookSpecificOutput.permissionDecisionReason, /Billing\\x1b\[31m core/);
      assert.ok(!r.stderr.includes('\u001b'));
    });

    it('asks before `rm -rf` of a folder that holds a critical file, not of other folders', () => {
      commitConfig(config(undefined, COMMAND_RULES));
      const shell = (command: string): HookRun => runHook('claude-code', fixture('claude-code', 'pre-bash-command', { repo, command }), repo);
      const out = answered(shell('rm -rf src')) as { hookSpecificOutput: { permissionDecision: string } };
      assert.equal(out.hookSpecificOutput.permissionDecision, 'deny');
      assert.equal((answered(shell('rm -r -f ./src/app.ts')) as { hookSpecificOutput: { permissionDecision: string } }).hookSpecificOutput.permissionDecision, 'deny');
      for (const all of ['rm -rf .', 'rm -rf ..', 'rm -rf /', 'rm -rf ./*']) {
        assert.equal((answered(shell(all)) as { hookSpecificOutput: { permissionDecision: string } }).hookSpecificOutput.permissionDecision, 'deny', all);
      }
      allowed(shell('rm -rf infra'));
      allowed(shell('rm -rf /tmp/build-cache'));
      allowed(shell('rm src/app.ts'));
    });

    it('still records an asked edit the person approved', async () => {
      commitConfig(config('ask'));
      runHook('claude-code', fixture('claude-code', 'pre-edit', { repo }), repo);
      writeFile(repo, 'src/app.ts', APP.replace('  return 1;\n', '  const total = items.reduce((sum, i) => sum + i.price, 0);\n  return total;\n'));
      runHook('claude-code', fixture('claude-code', 'post-edit', { repo }), repo);
      const lines = (await provenance(repo, 'src/app.ts'))!;
      assert.notEqual(lines[1]!.kind, 'human');
      assert.equal(lines[1]!.attribution?.agent, 'claude-code');
      assert.equal(lines[0]!.kind, 'human');
    });
  });
});
