// An agent's shell command is credited only with the changes it made: not with a file a person saved in the editor
// meanwhile, nor with what another agent wrote while it ran. Real repositories, the real bundle, and the extension's
// real save recorder over the real git store (only the VS Code event that calls it is left out).
import * as assert from 'node:assert/strict';
import { mkdirSync, readdirSync, realpathSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { GitStore } from '../../../src/extension/gitStore';
import { SaveRecorder } from '../../../src/extension/saveRecorder';
import { OPEN_CALL_MAX_MS, rivalsDuring } from '../../../src/agents/rivals';
import { APP, buildCli, cleanup, fixture, kinds, makeRepo, provenance, quiet, readFile, runHook, writeFile, type HookRun } from './helpers';

/** What the editor does on a save: the file is written, then onDidSaveTextDocument hands it to the recorder. */
async function editorSave(repo: string, rel: string, text: string): Promise<void> {
  writeFile(repo, rel, text);
  const store = new GitStore(() => true, () => [repo]);
  const warnings: string[] = [];
  await new SaveRecorder({ repoFor: (f) => store.repoFor(f), canWrite: () => true, warn: (l) => warnings.push(l) }).saved(path.join(repo, rel), text);
  assert.deepEqual(warnings, []);
}

function hook(agent: string, payload: string, repo: string): HookRun {
  const r = runHook(agent, payload, repo);
  quiet(r);
  return r;
}

const claudePre = (repo: string) => fixture('claude-code', 'pre-bash', { repo });
const claudePost = (repo: string) => fixture('claude-code', 'post-bash', { repo });
const codexPre = (repo: string) => fixture('codex', 'pre-bash', { repo });
const codexPost = (repo: string) => fixture('codex', 'post-bash', { repo });

describe('ai-provenance hook: what a shell command is credited with', function () {
  let repo: string;
  before(() => buildCli());
  beforeEach(() => {
    repo = realpathSync(makeRepo({ 'src/app.ts': APP, 'src/util.ts': 'export const u = 1;\n' }));
  });
  afterEach(() => cleanup(repo));

  it('leaves human a file a person saved in the editor while the command ran, and says so', async () => {
    hook('claude-code', claudePre(repo), repo);
    writeFile(repo, 'src/generated.ts', 'export const table = [1, 2, 3];\n');
    await editorSave(repo, 'src/app.ts', APP.replace('// end', '// end, typed by a person'));
    const r = hook('claude-code', claudePost(repo), repo);
    assert.match(r.stderr, /src\/app\.ts: not recorded for the shell command: saved in the editor while the command ran/);
    assert.equal(await provenance(repo, 'src/app.ts'), undefined);
    assert.deepEqual(await kinds(repo, 'src/generated.ts'), ['ai@claude-code', 'human']);
  });

  it("still credits the command's change to a file whose save in the editor changed nothing", async () => {
    writeFile(repo, 'src/app.ts', APP.replace('// end', '// end, typed by a person before'));
    const before = readFile(repo, 'src/app.ts');
    hook('claude-code', claudePre(repo), repo);
    await editorSave(repo, 'src/app.ts', before);
    writeFile(repo, 'src/app.ts', before.replace('return 1', 'return 42'));
    hook('claude-code', claudePost(repo), repo);
    const k = await kinds(repo, 'src/app.ts');
    assert.match(k[1]!, /^(ai|mixed)@claude-code$/);
    assert.deepEqual([k[0], k[2], k[3]], ['human', 'human', 'human']);
  });

  it("gives neither agent the other's files when their shell commands overlap", async () => {
    hook('claude-code', claudePre(repo), repo);
    hook('codex', codexPre(repo), repo);
    writeFile(repo, 'src/claude.ts', 'export const byClaudeCommand = 1;\n');
    writeFile(repo, 'src/codex.ts', 'export const byCodexCommand = 1;\n');
    const claude = hook('claude-code', claudePost(repo), repo);
    const codex = hook('codex', codexPost(repo), repo);
    assert.match(claude.stderr, /src\/codex\.ts: not recorded for the shell command: codex's shell command was running at the same time/);
    assert.match(codex.stderr, /src\/claude\.ts: not recorded for the shell command: also changed while claude-code's shell command ran/);
    assert.equal(await provenance(repo, 'src/claude.ts'), undefined);
    assert.equal(await provenance(repo, 'src/codex.ts'), undefined);
  });

  it('credits each command of two that ran one after the other with its own files', async () => {
    hook('claude-code', claudePre(repo), repo);
    writeFile(repo, 'src/claude.ts', 'export const byClaudeCommand = 1;\n');
    hook('claude-code', claudePost(repo), repo);
    hook('codex', codexPre(repo), repo);
    writeFile(repo, 'src/codex.ts', 'export const byCodexCommand = 1;\n');
    const codex = hook('codex', codexPost(repo), repo);
    assert.equal(codex.stderr, '');
    assert.deepEqual(await kinds(repo, 'src/claude.ts'), ['ai@claude-code', 'human']);
    assert.deepEqual(await kinds(repo, 'src/codex.ts'), ['ai@codex', 'human']);
  });

  it("leaves another agent's edit tool's lines to that agent", async () => {
    hook('claude-code', claudePre(repo), repo);
    hook('gemini-cli', fixture('gemini-cli', 'before-replace', { repo }), repo);
    writeFile(repo, 'src/app.ts', APP.replace('  return 1;\n', '  return compute();\n'));
    hook('gemini-cli', fixture('gemini-cli', 'after-replace', { repo }), repo);
    writeFile(repo, 'src/generated.ts', 'export const n = 1;\n');
    const r = hook('claude-code', claudePost(repo), repo);
    assert.match(r.stderr, /src\/app\.ts: not recorded for the shell command: written by gemini-cli's edit meanwhile/);
    assert.match((await kinds(repo, 'src/app.ts'))[1]!, /^(ai|mixed)@gemini-cli$/);
    assert.deepEqual(await kinds(repo, 'src/generated.ts'), ['ai@claude-code', 'human']);
  });

  it("credits nothing in a file another agent has announced an edit of and not finished", async () => {
    hook('claude-code', claudePre(repo), repo);
    hook('gemini-cli', fixture('gemini-cli', 'before-replace', { repo }), repo);
    // Not exactly the announced result: whose lines these are cannot be told.
    writeFile(repo, 'src/app.ts', APP.replace('  return 1;\n', '  return compute();\n  // computed\n'));
    const r = hook('claude-code', claudePost(repo), repo);
    assert.match(r.stderr, /src\/app\.ts: not recorded for the shell command: gemini-cli announced an edit of it meanwhile/);
    assert.equal(await provenance(repo, 'src/app.ts'), undefined);
  });

  it("gives the other agent, not the command, a file that holds exactly the result of the edit it announced", async () => {
    hook('claude-code', claudePre(repo), repo);
    hook('gemini-cli', fixture('gemini-cli', 'before-replace', { repo }), repo);
    writeFile(repo, 'src/app.ts', APP.replace('  return 1;\n', '  return compute();\n'));
    const r = hook('claude-code', claudePost(repo), repo);
    assert.match(r.stderr, /src\/app\.ts: not recorded for the shell command: written by gemini-cli's edit meanwhile/);
    assert.match((await kinds(repo, 'src/app.ts'))[1]!, /^(ai|mixed)@gemini-cli$/);
  });

  it("still credits the files of one session's own edits and commands that overlap", async () => {
    hook('claude-code', claudePre(repo), repo);
    const second = { ...JSON.parse(claudePre(repo)), tool_use_id: 'toolu_02BASH', tool_input: { command: 'npm test' } };
    hook('claude-code', JSON.stringify(second), repo);
    writeFile(repo, 'src/generated.ts', 'export const n = 1;\n');
    const r = hook('claude-code', claudePost(repo), repo);
    assert.equal(r.stderr, '');
    assert.deepEqual(await kinds(repo, 'src/generated.ts'), ['ai@claude-code', 'human']);
  });

  it("stops counting another session's command left unanswered longer than agents let one run (declined, killed)", () => {
    const now = Date.now();
    const window = { actor: 'claude-code\0s1', start: now - 1_000, end: now };
    const state = path.join(repo, '.git', 'ai-provenance');
    const declined = rivalsDuring(state, window, { files: [], shells: [{ at: now - OPEN_CALL_MAX_MS - 60_000, by: 'codex\0s2' }] });
    assert.equal(declined('src/app.ts', 'sha', now), undefined);
    const running = rivalsDuring(state, window, { files: [], shells: [{ at: now - 60_000, by: 'codex\0s2' }] });
    assert.equal(running('src/app.ts', 'sha', now), "codex's shell command was running at the same time");
  });

  it('never writes the activity log through a planted link, and still records the edit', async () => {
    const elsewhere = path.join(repo, '..', `${path.basename(repo)}-elsewhere`);
    mkdirSync(elsewhere);
    try {
      mkdirSync(path.join(repo, '.git', 'ai-provenance'), { recursive: true });
      symlinkSync(elsewhere, path.join(repo, '.git', 'ai-provenance', 'activity'));
      hook('claude-code', fixture('claude-code', 'pre-edit', { repo }), repo);
      writeFile(repo, 'src/app.ts', APP.replace('  return 1;\n', '  const total = items.reduce((sum, i) => sum + i.price, 0);\n  return total;\n'));
      const r = hook('claude-code', fixture('claude-code', 'post-edit', { repo }), repo);
      assert.match(r.stderr, /activity log not written.*is a symbolic link or not a folder/);
      assert.deepEqual(readdirSync(elsewhere), []);
      assert.match((await kinds(repo, 'src/app.ts'))[1]!, /@claude-code$/);
    } finally {
      cleanup(elsewhere);
    }
  });
});
