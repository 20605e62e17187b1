// Drives the real bundle (`node dist/cli.js hook <agent>`) with documented payloads against real files in
// temporary git repositories, doing on disk what the agent would do between its before- and after-events.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { APP, applyCodexPatchOnDisk, buildCli, cleanup, fixture, kinds, makeRepo, provenance, quiet, readFile, runHook, writeFile, type HookRun } from './helpers';



function silent(r: HookRun): void {
  quiet(r);
  assert.equal(r.stderr, '');
}

function oneLine(r: HookRun, pattern: RegExp): void {
  quiet(r);
  assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, `one stderr line expected, got: ${r.stderr}`);
  assert.match(r.stderr, pattern);
}

describe('ai-provenance hook', function () {
  let repo: string;

  before(() => buildCli());
  beforeEach(() => {
    repo = makeRepo({ 'src/app.ts': APP, 'src/old.ts': 'export const old = true;\n', 'src/gone.ts': 'export {};\n' });
  });
  afterEach(() => cleanup(repo));

  describe('claude-code', () => {
    it('attributes exactly the lines an Edit changed, diffing against the PreToolUse snapshot', async () => {
      silent(runHook('claude-code', fixture('claude-code', 'pre-edit', { repo }), repo));
      writeFile(repo, 'src/app.ts', APP.replace('  return 1;\n', '  const total = items.reduce((sum, i) => sum + i.price, 0);\n  return total;\n'));
      silent(runHook('claude-code', fixture('claude-code', 'post-edit', { repo }), repo));
      const k = await kinds(repo, 'src/app.ts');
      assert.equal(k[0], 'human');
      assert.match(k[1]!, /@claude-code$/);
      assert.match(k[2]!, /@claude-code$/);
      assert.deepEqual(k.slice(3), ['human', 'human', 'human']);
      const lines = (await provenance(repo, 'src/app.ts'))!;
      assert.equal(lines[1]!.attribution?.source, 'agent-hook');
      assert.equal(lines[1]!.attribution?.session, '9ecf22fa-edf8-4332-ae85-b6d5456eda64');
      assert.equal(lines[1]!.attribution?.detail, undefined);
    });

    it('leaves human lines human when a formatter hook also rewrote the file before ours ran', async () => {
      silent(runHook('claude-code', fixture('claude-code', 'pre-edit', { repo }), repo));
      const edited = APP.replace('  return 1;\n', '  const total = items.reduce((sum, i) => sum + i.price, 0);\n  return total;\n');
      // A formatter run by another PostToolUse hook, in parallel with ours, also touched the person's lines.
      writeFile(repo, 'src/app.ts', edited.replace('export function one() {', 'export function one () {').replace('// end', '// end.'));
      silent(runHook('claude-code', fixture('claude-code', 'post-edit', { repo }), repo));
      const k = await kinds(repo, 'src/app.ts');
      assert.equal(k[0], 'human');
      assert.match(k[1]!, /@claude-code$/);
      assert.match(k[2]!, /@claude-code$/);
      assert.deepEqual(k.slice(3), ['human', 'human', 'human']);
    });

    it('locates an Edit by its unique new_string when no PreToolUse snapshot exists', async () => {
      writeFile(repo, 'src/app.ts', APP.replace('  return 1;\n', '  const total = items.reduce((sum, i) => sum + i.price, 0);\n  return total;\n'));
      silent(runHook('claude-code', fixture('claude-code', 'post-edit', { repo }), repo));
      const k = await kinds(repo, 'src/app.ts');
      assert.deepEqual([k[0], k[3], k[4]], ['human', 'human', 'human']);
      assert.match(k[1]!, /@claude-code$/);
    });

    it('takes the model from the session transcript', async () => {
      const transcript = path.join(repo, '.git', 'transcript.jsonl');
      writeFileSync(
        transcript,
        [
          JSON.stringify({ type: 'user', message: { role: 'user', content: 'sum the prices' } }),
          JSON.stringify({ type: 'assistant', message: { model: 'claude-opus-4-5', role: 'assistant', content: [] } }),
        ].join('\n') + '\n',
      );
      silent(runHook('claude-code', fixture('claude-code', 'pre-edit', { repo, transcript }), repo));
      writeFile(repo, 'src/app.ts', APP.replace('  return 1;\n', '  const total = items.reduce((sum, i) => sum + i.price, 0);\n  return total;\n'));
      silent(runHook('claude-code', fixture('claude-code', 'post-edit', { repo, transcript }), repo));
      assert.equal((await provenance(repo, 'src/app.ts'))![1]!.attribution?.model, 'anthropic/claude-opus-4-5');
    });

    it('records no model when the transcript does not name one', async () => {
      silent(runHook('claude-code', fixture('claude-code', 'pre-edit', { repo }), repo));
      writeFile(repo, 'src/app.ts', APP.replace('  return 1;\n', '  const total = items.reduce((sum, i) => sum + i.price, 0);\n  return total;\n'));
      silent(runHook('claude-code', fixture('claude-code', 'post-edit', { repo }), repo));
      assert.equal((await provenance(repo, 'src/app.ts'))![1]!.attribution?.model, undefined);
    });

    it('attributes every replaced occurrence of a replace_all Edit from the snapshot', async () => {
      writeFile(repo, 'src/app.ts', 'const price = 1;\nconst x = 2;\nlog(price);\n');
      silent(runHook('claude-code', fixture('claude-code', 'pre-edit-replace-all', { repo }), repo));
      writeFile(repo, 'src/app.ts', 'const cost = 1;\nconst x = 2;\nlog(cost);\n');
      silent(runHook('claude-code', fixture('claude-code', 'post-edit-replace-all', { repo }), repo));
      const k = await kinds(repo, 'src/app.ts');
      assert.match(k[0]!, /@claude-code$/);
      assert.equal(k[1], 'human');
      assert.match(k[2]!, /@claude-code$/);
    });

    it('records nothing for a replace_all Edit without a snapshot, and says why', async () => {
      writeFile(repo, 'src/app.ts', 'const cost = 1;\nconst x = 2;\nlog(cost);\n');
      oneLine(runHook('claude-code', fixture('claude-code', 'post-edit-replace-all', { repo }), repo), /src\/app\.ts: not recorded: no before-edit snapshot/);
      assert.equal(await provenance(repo, 'src/app.ts'), undefined);
    });

    it('marks every line of a file created by Write as AI', async () => {
      silent(runHook('claude-code', fixture('claude-code', 'pre-write', { repo }), repo));
      writeFile(repo, 'src/new.ts', 'export const a = 1;\nexport const b = 2;\n');
      silent(runHook('claude-code', fixture('claude-code', 'post-write', { repo }), repo));
      assert.deepEqual(await kinds(repo, 'src/new.ts'), ['ai@claude-code', 'ai@claude-code', 'human']);
    });

    it('attributes only the changed lines when Write overwrites an existing file', async () => {
      writeFile(repo, 'src/new.ts', 'export const a = 1;\n');
      silent(runHook('claude-code', fixture('claude-code', 'pre-write', { repo }), repo));
      writeFile(repo, 'src/new.ts', 'export const a = 1;\nexport const b = 2;\n');
      silent(runHook('claude-code', fixture('claude-code', 'post-write', { repo }), repo));
      assert.deepEqual(await kinds(repo, 'src/new.ts'), ['human', 'ai@claude-code', 'human']);
    });

    it('applies the edits of a MultiEdit in order', async () => {
      silent(runHook('claude-code', fixture('claude-code', 'pre-multiedit', { repo }), repo));
      writeFile(repo, 'src/app.ts', 'export function one(): number {\n  return 1;\n}\n// end\nexport const version = 2;\n');
      silent(runHook('claude-code', fixture('claude-code', 'post-multiedit', { repo }), repo));
      const k = await kinds(repo, 'src/app.ts');
      assert.match(k[0]!, /@claude-code$/);
      assert.deepEqual(k.slice(1, 4), ['human', 'human', 'human']);
      assert.equal(k[4], 'ai@claude-code');
    });

    it('locates a MultiEdit without a snapshot when every new_string is unique', async () => {
      writeFile(repo, 'src/app.ts', 'export function one(): number {\n  return 1;\n}\n// end\nexport const version = 2;\n');
      silent(runHook('claude-code', fixture('claude-code', 'post-multiedit', { repo }), repo));
      assert.equal((await kinds(repo, 'src/app.ts'))[4], 'ai@claude-code');
    });

    it('skips NotebookEdit cleanly', async () => {
      silent(runHook('claude-code', fixture('claude-code', 'post-notebook-edit', { repo }), repo));
      assert.equal(existsSync(path.join(repo, '.git/ai-provenance/entries')), false);
    });

    it('attributes the files a Bash command changed, and only those, with detail "shell"', async () => {
      writeFile(repo, 'src/old.ts', 'export const old = true; // edited by a person before the command\n');
      silent(runHook('claude-code', fixture('claude-code', 'pre-bash', { repo }), repo));
      writeFile(repo, 'src/app.ts', APP.replace('return 1', 'return 42'));
      writeFile(repo, 'src/generated.ts', 'export const table = [1, 2, 3];\n');
      silent(runHook('claude-code', fixture('claude-code', 'post-bash', { repo }), repo));
      const app = (await provenance(repo, 'src/app.ts'))!;
      assert.equal(app[0]!.kind, 'human');
      assert.match(app[1]!.kind, /ai|mixed/);
      assert.equal(app[1]!.attribution?.detail, 'shell');
      assert.equal(app[1]!.attribution?.source, 'agent-hook');
      assert.deepEqual(await kinds(repo, 'src/generated.ts'), ['ai@claude-code', 'human']);
      assert.equal(await provenance(repo, 'src/old.ts'), undefined);
    });

    it('attributes nothing when a shell command changed no file', async () => {
      silent(runHook('claude-code', fixture('claude-code', 'pre-bash', { repo }), repo));
      silent(runHook('claude-code', fixture('claude-code', 'post-bash', { repo }), repo));
      assert.equal(existsSync(path.join(repo, '.git/ai-provenance/entries')), false);
    });

    it('ignores a shell command reported after without its before-event', async () => {
      writeFile(repo, 'src/app.ts', APP.replace('return 1', 'return 42'));
      silent(runHook('claude-code', fixture('claude-code', 'post-bash', { repo }), repo));
      assert.equal(await provenance(repo, 'src/app.ts'), undefined);
    });
  });

  describe('codex', () => {

    it('attributes an apply_patch with added, updated and moved files, naming the model', async () => {
      silent(runHook('codex', fixture('codex', 'pre-apply-patch', { repo }), repo));
      applyCodexPatchOnDisk(repo);
      silent(runHook('codex', fixture('codex', 'post-apply-patch', { repo }), repo));
      assert.deepEqual(await kinds(repo, 'docs/notes.md'), ['ai@codex', 'ai@codex', 'human']);
      const app = await kinds(repo, 'src/app.ts');
      assert.deepEqual([app[0], app[2], app[3]], ['human', 'human', 'human']);
      assert.match(app[1]!, /@codex$/);
      assert.match((await kinds(repo, 'src/renamed.ts'))[0]!, /@codex$/);
      const a = (await provenance(repo, 'docs/notes.md'))![0]!.attribution!;
      assert.equal(a.model, 'openai/gpt-5-codex');
      assert.equal(a.session, '019c48b7-7098-7b61-bc48-32e82585d451');
    });

    it('locates the hunks of an apply_patch without a snapshot', async () => {
      applyCodexPatchOnDisk(repo);
      quiet(runHook('codex', fixture('codex', 'post-apply-patch', { repo }), repo));
      assert.deepEqual(await kinds(repo, 'docs/notes.md'), ['ai@codex', 'ai@codex', 'human']);
      assert.match((await kinds(repo, 'src/app.ts'))[1]!, /@codex$/);
    });

    it('does not take "Add File" for a new file without a snapshot when git already tracks the path', async () => {
      const p = JSON.parse(fixture('codex', 'post-apply-patch', { repo }));
      p.tool_input.command = '*** Begin Patch\n*** Add File: src/old.ts\n+export const old = true;\n+export const extra = 1;\n*** End Patch\n';
      writeFile(repo, 'src/old.ts', 'export const old = true;\nexport const extra = 1;\n');
      oneLine(runHook('codex', JSON.stringify(p), repo), /src\/old\.ts: not recorded: no before-edit snapshot/);
      assert.equal(await provenance(repo, 'src/old.ts'), undefined);
    });

    it('attributes the files a Bash command changed', async () => {
      silent(runHook('codex', fixture('codex', 'pre-bash', { repo }), repo));
      writeFile(repo, 'src/generated.ts', 'export const n = 1;\n');
      silent(runHook('codex', fixture('codex', 'post-bash', { repo }), repo));
      const g = (await provenance(repo, 'src/generated.ts'))!;
      assert.equal(g[0]!.kind, 'ai');
      assert.equal(g[0]!.attribution?.detail, 'shell');
    });
  });

  describe('cursor', () => {
    it('locates an afterFileEdit edit and names the model', async () => {
      writeFile(repo, 'src/app.ts', APP.replace('  return 1;\n', '  return items.length;\n'));
      silent(runHook('cursor', fixture('cursor', 'after-file-edit', { repo }), repo));
      const lines = (await provenance(repo, 'src/app.ts'))!;
      assert.equal(lines[0]!.kind, 'human');
      assert.equal(lines[1]!.attribution?.agent, 'cursor');
      assert.equal(lines[1]!.attribution?.model, 'anthropic/claude-sonnet-4-20250514');
      assert.equal(lines[1]!.attribution?.session, 'c0a7e3f2-1b7e-4d27-9a51-6f2f1d0c9e11');
    });

    it('attributes an afterTabFileEdit insertion and records no model for "tab"', async () => {
      writeFile(repo, 'src/app.ts', APP.replace('  return 1;\n', '  // cached\n  return 1;\n'));
      silent(runHook('cursor', fixture('cursor', 'after-tab-file-edit', { repo }), repo));
      const lines = (await provenance(repo, 'src/app.ts'))!;
      assert.deepEqual(
        lines.map((l) => l.kind),
        ['human', 'ai', 'human', 'human', 'human', 'human'],
      );
      assert.equal(lines[1]!.attribution?.model, undefined);
    });

    it('records nothing when the new text occurs twice and no line hint separates them', async () => {
      writeFile(repo, 'src/app.ts', 'a\n  return items.length;\nb\n  return items.length;\n');
      oneLine(runHook('cursor', fixture('cursor', 'after-file-edit', { repo }), repo), /cannot be located exactly/);
      assert.equal(await provenance(repo, 'src/app.ts'), undefined);
    });

    it('attributes the files changed between beforeShellExecution and afterShellExecution', async () => {
      silent(runHook('cursor', fixture('cursor', 'before-shell-execution', { repo }), repo));
      writeFile(repo, 'src/generated.ts', 'export const n = 1;\n');
      silent(runHook('cursor', fixture('cursor', 'after-shell-execution', { repo }), repo));
      assert.deepEqual(await kinds(repo, 'src/generated.ts'), ['ai@cursor', 'human']);
    });
  });

  describe('gemini-cli', () => {
    it('attributes a write_file from the BeforeTool snapshot', async () => {
      silent(runHook('gemini-cli', fixture('gemini-cli', 'before-write-file', { repo }), repo));
      writeFile(repo, 'src/new.ts', 'export const a = 1;\nexport const b = 2;\n');
      silent(runHook('gemini-cli', fixture('gemini-cli', 'after-write-file', { repo }), repo));
      assert.deepEqual(await kinds(repo, 'src/new.ts'), ['ai@gemini-cli', 'ai@gemini-cli', 'human']);
    });

    it('records nothing for a write_file without a snapshot (it may have overwritten a file)', async () => {
      writeFile(repo, 'src/new.ts', 'export const a = 1;\nexport const b = 2;\n');
      oneLine(runHook('gemini-cli', fixture('gemini-cli', 'after-write-file', { repo }), repo), /no before-edit snapshot/);
      assert.equal(await provenance(repo, 'src/new.ts'), undefined);
    });

    it('attributes a replace', async () => {
      silent(runHook('gemini-cli', fixture('gemini-cli', 'before-replace', { repo }), repo));
      writeFile(repo, 'src/app.ts', APP.replace('  return 1;\n', '  return compute();\n'));
      silent(runHook('gemini-cli', fixture('gemini-cli', 'after-replace', { repo }), repo));
      const k = await kinds(repo, 'src/app.ts');
      assert.match(k[1]!, /@gemini-cli$/);
      assert.deepEqual([k[0], k[2], k[3]], ['human', 'human', 'human']);
    });

    it('attributes files a run_shell_command changed', async () => {
      silent(runHook('gemini-cli', fixture('gemini-cli', 'before-run-shell-command', { repo }), repo));
      writeFile(repo, 'src/generated.ts', 'export const n = 1;\n');
      silent(runHook('gemini-cli', fixture('gemini-cli', 'after-run-shell-command', { repo }), repo));
      assert.deepEqual(await kinds(repo, 'src/generated.ts'), ['ai@gemini-cli', 'human']);
    });
  });

  describe('copilot', () => {
    it('attributes a create, with toolArgs given as a JSON string', async () => {
      silent(runHook('copilot', fixture('copilot', 'pre-tool-use-create', { repo }), repo));
      writeFile(repo, 'src/new.ts', 'export const a = 1;\nexport const b = 2;\n');
      silent(runHook('copilot', fixture('copilot', 'post-tool-use-create', { repo }), repo));
      assert.deepEqual(await kinds(repo, 'src/new.ts'), ['ai@copilot', 'ai@copilot', 'human']);
      assert.equal((await provenance(repo, 'src/new.ts'))![0]!.attribution?.session, 'b5a4c3d2-e1f0-4a9b-8c7d-6e5f4a3b2c1d');
    });

    it('attributes an edit', async () => {
      silent(runHook('copilot', fixture('copilot', 'pre-tool-use-edit', { repo }), repo));
      writeFile(repo, 'src/app.ts', APP.replace('  return 1;\n', '  return cached ?? 1;\n'));
      silent(runHook('copilot', fixture('copilot', 'post-tool-use-edit', { repo }), repo));
      const k = await kinds(repo, 'src/app.ts');
      assert.match(k[1]!, /@copilot$/);
      assert.equal(k[0], 'human');
    });

    it('attributes files a bash tool changed', async () => {
      silent(runHook('copilot', fixture('copilot', 'pre-tool-use-bash', { repo }), repo));
      writeFile(repo, 'src/generated.ts', 'export const n = 1;\n');
      silent(runHook('copilot', fixture('copilot', 'post-tool-use-bash', { repo }), repo));
      assert.deepEqual(await kinds(repo, 'src/generated.ts'), ['ai@copilot', 'human']);
    });

    it('attributes a VS Code agent tool (PascalCase events) only from its before/after snapshot', async () => {
      const pre = { hook_event_name: 'PreToolUse', session_id: 'vs-1', cwd: repo, tool_name: 'replace_string_in_file', tool_input: { filePath: path.join(repo, 'src/app.ts'), oldString: '  return 1;', newString: '  return 2;' }, tool_use_id: 'call_vs_1' };
      silent(runHook('copilot', JSON.stringify(pre), repo));
      writeFile(repo, 'src/app.ts', APP.replace('return 1', 'return 2'));
      silent(runHook('copilot', JSON.stringify({ ...pre, hook_event_name: 'PostToolUse', tool_response: 'ok' }), repo));
      assert.match((await kinds(repo, 'src/app.ts'))[1]!, /@copilot$/);
      // Without the before-event there is no evidence of what the tool wrote.
      writeFile(repo, 'src/app.ts', APP.replace('return 1', 'return 3'));
      quiet(runHook('copilot', JSON.stringify({ ...pre, hook_event_name: 'PostToolUse', tool_use_id: 'call_vs_2' }), repo));
      assert.equal((await kinds(repo, 'src/app.ts'))[1], 'mixed@copilot', 'the earlier AI line, changed since by someone unknown');
    });

    it('records nothing for a tool call that did not succeed', async () => {
      silent(runHook('copilot', fixture('copilot', 'pre-tool-use-edit', { repo }), repo));
      const failed = JSON.parse(fixture('copilot', 'post-tool-use-edit', { repo }));
      failed.toolResult = { resultType: 'failure', textResultForLlm: 'old_str not found' };
      silent(runHook('copilot', JSON.stringify(failed), repo));
      assert.equal(await provenance(repo, 'src/app.ts'), undefined);
    });
  });

  describe('two agents and a person editing one file in turn', () => {
    it('leaves each line with the author who last wrote it', async () => {
      // claude-code rewrites line 2.
      silent(runHook('claude-code', fixture('claude-code', 'pre-edit', { repo }), repo));
      const afterClaude = APP.replace('  return 1;\n', '  const total = items.reduce((sum, i) => sum + i.price, 0);\n  return total;\n');
      writeFile(repo, 'src/app.ts', afterClaude);
      silent(runHook('claude-code', fixture('claude-code', 'post-edit', { repo }), repo));
      // A person edits claude's first line and adds one of their own (the editor is not running: only the disk changes).
      const afterPerson = afterClaude.replace('sum + i.price', 'sum + i.price * i.qty').replace('// end\n', '// end\n// reviewed\n');
      writeFile(repo, 'src/app.ts', afterPerson);
      // cursor then replaces the closing comment.
      writeFile(repo, 'src/app.ts', afterPerson.replace('// end\n', '// end of one()\n'));
      const payload = JSON.parse(fixture('cursor', 'after-file-edit', { repo }));
      payload.edits = [{ old_string: '// end\n', new_string: '// end of one()\n' }];
      silent(runHook('cursor', JSON.stringify(payload), repo));
      const k = await kinds(repo, 'src/app.ts');
      assert.equal(k.length, 7);
      assert.equal(k[0], 'human');
      assert.equal(k[1], 'mixed@claude-code', 'the line claude wrote and a person then edited');
      assert.match(k[2]!, /@claude-code$/);
      assert.equal(k[3], 'human');
      assert.match(k[4]!, /@cursor$/);
      assert.equal(k[5], 'human', "the person's own line");
      assert.equal(k[6], 'human');
    });
  });

  describe('bad input', () => {
    const noState = () => assert.equal(existsSync(path.join(repo, '.git/ai-provenance/entries')), false);

    it('reports empty stdin in one line', () => {
      oneLine(runHook('claude-code', '', repo), /empty payload/);
      noState();
    });

    it('reports invalid JSON with its position', () => {
      oneLine(runHook('claude-code', '{"hook_event_name": "PostToolUse",\n "tool_name": }', repo), /stdin:2:\d+: invalid JSON: expected a value; nothing recorded\n$/);
      noState();
    });

    it('reports a truncated payload', () => {
      writeFile(repo, 'src/app.ts', APP.replace('  return 1;\n', '  const total = items.reduce((sum, i) => sum + i.price, 0);\n  return total;\n'));
      const full = fixture('claude-code', 'post-edit', { repo });
      oneLine(runHook('claude-code', full.slice(0, Math.floor(full.length / 2)), repo), /invalid JSON/);
      noState();
    });

    it('reports an unknown tool', () => {
      const p = JSON.parse(fixture('claude-code', 'post-edit', { repo }));
      p.tool_name = 'Teleport';
      oneLine(runHook('claude-code', JSON.stringify(p), repo), /tool 'Teleport' does not write files/);
      noState();
    });

    it('reports a missing field by name', () => {
      const p = JSON.parse(fixture('claude-code', 'post-edit', { repo }));
      delete p.tool_input.new_string;
      oneLine(runHook('claude-code', JSON.stringify(p), repo), /tool_input\.new_string/);
      noState();
    });

    it('reports toolArgs that are not JSON', () => {
      const p = JSON.parse(fixture('copilot', 'post-tool-use-edit', { repo }));
      p.toolArgs = '{"path": ';
      oneLine(runHook('copilot', JSON.stringify(p), repo), /toolArgs' is not valid JSON/);
      noState();
    });

    it("refuses a path with '..'", () => {
      writeFile(repo, 'src/app.ts', APP.replace('  return 1;\n', '  const total = items.reduce((sum, i) => sum + i.price, 0);\n  return total;\n'));
      const p = JSON.parse(fixture('claude-code', 'post-edit', { repo }));
      p.tool_input.file_path = `${repo}/src/../src/app.ts`;
      oneLine(runHook('claude-code', JSON.stringify(p), repo), /path contains '\.\.'/);
      noState();
    });

    it('refuses a file outside the repository', () => {
      const outside = makeRepo();
      try {
        writeFile(outside, 'x.ts', '  const total = items.reduce((sum, i) => sum + i.price, 0);\n  return total;\n');
        const p = JSON.parse(fixture('claude-code', 'post-edit', { repo }));
        p.tool_input.file_path = path.join(outside, 'x.ts');
        oneLine(runHook('claude-code', JSON.stringify(p), repo), /outside the repository/);
        noState();
        assert.equal(existsSync(path.join(outside, '.git/ai-provenance/entries')), false);
      } finally {
        cleanup(outside);
      }
    });

    it('drops a 50 MB payload without reading it into a record', () => {
      const p = JSON.parse(fixture('claude-code', 'post-write', { repo }));
      p.tool_input.content = 'x'.repeat(50 * 1024 * 1024);
      oneLine(runHook('claude-code', JSON.stringify(p), repo), /exceeds 32 MB; nothing recorded/);
      noState();
    });

    it('reports an unknown agent', () => {
      oneLine(runHook('windsurf', fixture('claude-code', 'post-edit', { repo }), repo), /unknown agent 'windsurf'/);
    });

    it('records nothing for a file listed in the team config ignore list', async () => {
      writeFile(repo, '.ai-provenance.json', '{ // team config\n  "ignore": ["src/**"]\n}\n');
      silent(runHook('claude-code', fixture('claude-code', 'pre-write', { repo }), repo));
      writeFile(repo, 'src/new.ts', 'export const a = 1;\nexport const b = 2;\n');
      silent(runHook('claude-code', fixture('claude-code', 'post-write', { repo }), repo));
      noState();
      const snapshots = path.join(repo, '.git/ai-provenance/snapshots');
      assert.deepEqual(existsSync(snapshots) ? readdirSync(snapshots) : [], []);
    });

    it('keeps recording, and says where, when the team config is broken', async () => {
      writeFile(repo, '.ai-provenance.json', '{\n  "ignore": [src]\n}\n');
      oneLine(runHook('claude-code', fixture('claude-code', 'pre-write', { repo }), repo), /\.ai-provenance\.json:2:\d+: /);
      writeFile(repo, 'src/new.ts', 'export const a = 1;\nexport const b = 2;\n');
      oneLine(runHook('claude-code', fixture('claude-code', 'post-write', { repo }), repo), /\.ai-provenance\.json:2:\d+: /);
      assert.deepEqual(await kinds(repo, 'src/new.ts'), ['ai@claude-code', 'ai@claude-code', 'human']);
    });

    it('is a no-op outside any git repository', () => {
      const dir = path.dirname(repo);
      const p = JSON.parse(fixture('claude-code', 'post-edit', { repo }));
      p.cwd = dir;
      oneLine(runHook('claude-code', JSON.stringify(p), dir), /not inside a git repository/);
    });

    it('leaves the file content untouched', () => {
      const before = readFile(repo, 'src/app.ts');
      runHook('claude-code', fixture('claude-code', 'post-edit', { repo }), repo);
      assert.equal(readFile(repo, 'src/app.ts'), before);
    });
  });
});
