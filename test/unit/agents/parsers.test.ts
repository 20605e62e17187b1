import * as assert from 'node:assert/strict';
import { HOOK_AGENTS, HOOK_PARSERS, isHookAgent } from '../../../src/agents/index';
import { PayloadError, type HookEvent } from '../../../src/agents/types';
import { fixture } from './helpers';

const REPO = '/work/repo';
const load = (agent: string, name: string) => JSON.parse(fixture(agent, name, { repo: REPO, transcript: '/t.jsonl' }));

describe('hook payload parsers', () => {
  it('know exactly the six agents with hook systems', () => {
    assert.deepEqual([...HOOK_AGENTS].sort(), ['claude-code', 'codex', 'copilot', 'cursor', 'gemini-cli', 'kiro']);
    assert.equal(isHookAgent('aider'), false);
    assert.equal(isHookAgent('__proto__'), false);
  });

  describe('claude-code', () => {
    const parse = HOOK_PARSERS['claude-code'];

    it('pairs PreToolUse and PostToolUse of one call by tool_use_id', () => {
      const pre = parse(load('claude-code', 'pre-edit'));
      const post = parse(load('claude-code', 'post-edit'));
      assert.equal(pre.kind, 'before-edit');
      assert.equal(post.kind, 'after-edit');
      assert.equal((pre as { key: string }).key, 'toolu_01EDIT');
      assert.equal((post as { key: string }).key, 'toolu_01EDIT');
      assert.deepEqual((pre as Extract<HookEvent, { kind: 'before-edit' }>).paths, [`${REPO}/src/app.ts`]);
    });

    it('reads replace_all and every MultiEdit edit', () => {
      const all = parse(load('claude-code', 'post-edit-replace-all')) as Extract<HookEvent, { kind: 'after-edit' }>;
      assert.deepEqual(all.writes[0], { kind: 'replace', path: `${REPO}/src/app.ts`, replacements: [{ oldText: 'price', newText: 'cost', all: true }] });
      const multi = parse(load('claude-code', 'post-multiedit')) as Extract<HookEvent, { kind: 'after-edit' }>;
      assert.equal(multi.writes[0]!.kind === 'replace' && multi.writes[0]!.replacements.length, 2);
    });

    it('carries session and transcript, which names the model', () => {
      const e = parse(load('claude-code', 'post-write')) as Extract<HookEvent, { kind: 'after-edit' }>;
      assert.equal(e.info.session, '9ecf22fa-edf8-4332-ae85-b6d5456eda64');
      assert.equal(e.info.transcriptPath, '/t.jsonl');
      assert.equal(e.info.model, undefined);
    });

    it('turns Bash into shell events keyed by the call', () => {
      assert.deepEqual(parse(load('claude-code', 'pre-bash')), {
        kind: 'before-shell',
        key: 'toolu_01BASH',
        command: "sed -i 's/return 1/return 42/' src/app.ts && node gen.js",
        gate: 'PreToolUse',
        info: { cwd: REPO, session: '9ecf22fa-edf8-4332-ae85-b6d5456eda64', transcriptPath: '/t.jsonl' },
      });
    });

    it('ignores events that are not tool events, and a failed tool call', () => {
      assert.equal(parse({ hook_event_name: 'Stop', session_id: 's' }).kind, 'ignore');
      const failed = load('claude-code', 'post-write');
      failed.tool_response.success = false;
      assert.deepEqual(parse(failed), { kind: 'ignore' });
    });

    it('names the field that is missing or of the wrong type', () => {
      assert.throws(() => parse([]), PayloadError);
      assert.throws(() => parse({ hook_event_name: 'PostToolUse' }), /'tool_name'/);
      const e = load('claude-code', 'post-multiedit');
      e.tool_input.edits[1] = 'x';
      assert.throws(() => parse(e), /'tool_input\.edits\[1\]' is not an object/);
      const w = load('claude-code', 'post-write');
      w.tool_input.content = 42;
      assert.throws(() => parse(w), /'tool_input\.content'/);
    });
  });

  describe('codex', () => {
    it('parses the patch of apply_patch and names the model', () => {
      const e = HOOK_PARSERS.codex(load('codex', 'post-apply-patch')) as Extract<HookEvent, { kind: 'after-edit' }>;
      assert.deepEqual(
        e.writes.map((w) => `${w.kind} ${w.path}`),
        ['write docs/notes.md', 'patch src/app.ts', 'patch src/renamed.ts', 'delete src/gone.ts'],
      );
      assert.equal(e.info.model, 'gpt-5-codex');
      const pre = HOOK_PARSERS.codex(load('codex', 'pre-apply-patch')) as Extract<HookEvent, { kind: 'before-edit' }>;
      assert.deepEqual(pre.paths, ['docs/notes.md', 'src/app.ts', 'src/old.ts', 'src/renamed.ts', 'src/gone.ts']);
    });

    it('rejects a truncated patch', () => {
      const e = load('codex', 'post-apply-patch');
      e.tool_input.command = e.tool_input.command.slice(0, 60);
      assert.throws(() => HOOK_PARSERS.codex(e), /End Patch/);
    });
  });

  describe('cursor', () => {
    it('uses the Tab range as a line hint and the first workspace root as cwd', () => {
      const e = HOOK_PARSERS.cursor(load('cursor', 'after-tab-file-edit')) as Extract<HookEvent, { kind: 'after-edit' }>;
      assert.deepEqual(e.writes[0], { kind: 'replace', path: `${REPO}/src/app.ts`, replacements: [{ oldText: '', newText: '  // cached\n', lineHint: 2 }] });
      assert.equal(e.info.cwd, REPO);
    });

    it('pairs shell events by generation and command', () => {
      const b = HOOK_PARSERS.cursor(load('cursor', 'before-shell-execution')) as { key: string };
      const a = HOOK_PARSERS.cursor(load('cursor', 'after-shell-execution')) as { key: string };
      assert.equal(b.key, a.key);
    });

    it('rejects an edit list that is empty', () => {
      const e = load('cursor', 'after-file-edit');
      e.edits = [];
      assert.throws(() => HOOK_PARSERS.cursor(e), /'edits'/);
    });
  });

  describe('gemini-cli', () => {
    it('maps write_file, replace and run_shell_command', () => {
      assert.equal(HOOK_PARSERS['gemini-cli'](load('gemini-cli', 'before-write-file')).kind, 'before-edit');
      assert.equal(HOOK_PARSERS['gemini-cli'](load('gemini-cli', 'after-replace')).kind, 'after-edit');
      assert.equal(HOOK_PARSERS['gemini-cli'](load('gemini-cli', 'after-run-shell-command')).kind, 'after-shell');
    });

    it('records nothing for a tool that reported an error', () => {
      const e = load('gemini-cli', 'after-replace');
      e.tool_response.error = { message: 'Failed to edit, 0 occurrences found' };
      assert.deepEqual(HOOK_PARSERS['gemini-cli'](e), { kind: 'ignore' });
    });

    it('treats expected_replacements above one as replacing every occurrence', () => {
      const e = load('gemini-cli', 'after-replace');
      e.tool_input.expected_replacements = 3;
      const w = (HOOK_PARSERS['gemini-cli'](e) as Extract<HookEvent, { kind: 'after-edit' }>).writes[0]!;
      assert.equal(w.kind === 'replace' && w.replacements[0]!.all, true);
      e.tool_input.expected_replacements = 0;
      assert.throws(() => HOOK_PARSERS['gemini-cli'](e), /expected_replacements/);
    });
  });

  describe('copilot', () => {
    it('tells postToolUse from preToolUse by its toolResult', () => {
      assert.equal(HOOK_PARSERS.copilot(load('copilot', 'pre-tool-use-edit')).kind, 'before-edit');
      assert.equal(HOOK_PARSERS.copilot(load('copilot', 'post-tool-use-edit')).kind, 'after-edit');
    });

    it('accepts toolArgs as an object as well as a JSON string', () => {
      const e = load('copilot', 'post-tool-use-create');
      e.toolArgs = JSON.parse(e.toolArgs);
      assert.equal(HOOK_PARSERS.copilot(e).kind, 'after-edit');
    });

    it('attributes VS Code PascalCase events only through a snapshot', () => {
      const pre = { hook_event_name: 'PreToolUse', tool_name: 'replace_string_in_file', tool_input: { filePath: `${REPO}/a.ts` }, tool_use_id: 'u1', session_id: 's' };
      assert.deepEqual(HOOK_PARSERS.copilot(pre), { kind: 'before-edit', key: 'u1', paths: [`${REPO}/a.ts`], info: { cwd: undefined, session: 's' }, gate: 'PreToolUse' });
      const post = HOOK_PARSERS.copilot({ ...pre, hook_event_name: 'PostToolUse' }) as Extract<HookEvent, { kind: 'after-edit' }>;
      assert.deepEqual(post.writes, [{ kind: 'snapshot-only', path: `${REPO}/a.ts` }]);
    });

    it('asks about a VS Code terminal command for the command rules only, recording nothing for it', () => {
      const pre = { hook_event_name: 'PreToolUse', tool_name: 'run_in_terminal', tool_input: { command: 'terraform destroy', explanation: 'x' }, tool_use_id: 'u2', session_id: 's' };
      assert.deepEqual(HOOK_PARSERS.copilot(pre), { kind: 'before-shell', key: 'u2', command: 'terraform destroy', info: { cwd: undefined, session: 's' }, gate: 'PreToolUse', gateOnly: true });
      assert.deepEqual(HOOK_PARSERS.copilot({ ...pre, hook_event_name: 'PostToolUse' }), { kind: 'ignore' });
    });
  });

  it('describe in a pre-event the same writes as its post-event, so a lost post-event can be recovered', () => {
    const pairs: [keyof typeof HOOK_PARSERS, string, string][] = [
      ['claude-code', 'pre-edit', 'post-edit'],
      ['claude-code', 'pre-write', 'post-write'],
      ['claude-code', 'pre-multiedit', 'post-multiedit'],
      ['codex', 'pre-apply-patch', 'post-apply-patch'],
      ['gemini-cli', 'before-write-file', 'after-write-file'],
      ['gemini-cli', 'before-replace', 'after-replace'],
      ['copilot', 'pre-tool-use-create', 'post-tool-use-create'],
      ['copilot', 'pre-tool-use-edit', 'post-tool-use-edit'],
      ['kiro', 'pre-tool-use-write', 'post-tool-use-write'],
    ];
    for (const [agent, preName, postName] of pairs) {
      const pre = HOOK_PARSERS[agent](load(agent, preName)) as Extract<HookEvent, { kind: 'before-edit' }>;
      const post = HOOK_PARSERS[agent](load(agent, postName)) as Extract<HookEvent, { kind: 'after-edit' }>;
      assert.equal(pre.kind, 'before-edit', `${agent} ${preName}`);
      assert.deepEqual(pre.writes, post.writes, `${agent} ${preName}`);
    }
  });
});
