// An agent's edit recorded by the real hook (`node dist/cli.js hook claude-code`), then a person's change on disk
// made without the editor, then a real `git commit` through the installed hooks: what `blame --json` and the note say.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { buildCli, cleanup, CLI, git, makeRepo, quiet, readFile, runHook, writeFile } from './helpers';

const SESSION = '0b7d5c1e-2f4a-4c4e-9d1e-5a0f3c2b1a99';

interface BlameLine {
  line: number;
  kind: string;
  agent?: string;
  commit?: string;
}

function payload(repo: string, event: 'PreToolUse' | 'PostToolUse', tool: string, input: Record<string, unknown>): string {
  return JSON.stringify({
    session_id: SESSION,
    transcript_path: path.join(repo, '.git', 'no-transcript.jsonl'),
    cwd: repo,
    permission_mode: 'default',
    hook_event_name: event,
    tool_name: tool,
    tool_input: input,
    tool_use_id: 'toolu_carry',
    ...(event === 'PostToolUse' ? { tool_response: { filePath: input.file_path, success: true } } : {}),
  });
}

/** Claude Code's Write of a whole file, with both hook events around the write on disk. */
function agentWrites(repo: string, rel: string, content: string): void {
  const input = { file_path: path.join(repo, rel), content };
  quiet(runHook('claude-code', payload(repo, 'PreToolUse', 'Write', input), repo));
  writeFile(repo, rel, content);
  quiet(runHook('claude-code', payload(repo, 'PostToolUse', 'Write', input), repo));
}

/** Claude Code's Edit replacing `oldString` by `newString`. */
function agentEdits(repo: string, rel: string, oldString: string, newString: string): void {
  const input = { file_path: path.join(repo, rel), old_string: oldString, new_string: newString, replace_all: false };
  quiet(runHook('claude-code', payload(repo, 'PreToolUse', 'Edit', input), repo));
  const text = readFile(repo, rel);
  assert.ok(text.includes(oldString), `${rel} holds the text the agent replaces`);
  writeFile(repo, rel, text.replace(oldString, newString));
  quiet(runHook('claude-code', payload(repo, 'PostToolUse', 'Edit', input), repo));
}

function commitAll(repo: string, message: string): void {
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
}

/** `kind` of each line as `ai-provenance blame FILE --json` shows it. */
function blameKinds(repo: string, rel: string): string[] {
  const out = execFileSync(process.execPath, [CLI, 'blame', rel, '--json'], { cwd: repo, encoding: 'utf8' });
  return (JSON.parse(out) as BlameLine[]).map((l) => l.kind);
}

/** The 1-based line ranges of `rel` in HEAD's note. */
function noteRanges(repo: string, rel: string): [number, number][] {
  const note = JSON.parse(git(repo, 'notes', '--ref=ai-provenance', 'show', 'HEAD')) as {
    files: { path: string; conversations: { ranges: { start_line: number; end_line: number }[] }[] }[];
  };
  const file = note.files.find((f) => f.path === rel);
  return (file?.conversations ?? []).flatMap((c) => c.ranges.map((r): [number, number] => [r.start_line, r.end_line])).sort((a, b) => a[0] - b[0]);
}

describe('line authors carried across changes made outside the editor, through a real commit', function () {
  let repo: string;
  before(() => buildCli());
  beforeEach(() => {
    repo = makeRepo({ 'README.md': '# demo\n' });
    execFileSync(process.execPath, [CLI, 'install'], { cwd: repo, stdio: 'pipe' });
  });
  afterEach(() => cleanup(repo));

  it('keeps the author of an AI block a person moved within the file with a script', () => {
    const human = '// helpers\nexport const one = 1;\nexport const two = 2;\nexport const three = 3;\nexport const four = 4;\n';
    writeFile(repo, 'src/util.ts', human);
    commitAll(repo, 'Helpers by hand');
    const block = 'export function sum(items: number[]): number {\n  return items.reduce((a, b) => a + b, 0);\n}\n';
    agentEdits(repo, 'src/util.ts', 'export const four = 4;\n', 'export const four = 4;\n' + block);
    // A script (no editor) moves the function to the top.
    writeFile(repo, 'src/util.ts', block + human);
    commitAll(repo, 'Sum first');
    assert.deepEqual(blameKinds(repo, 'src/util.ts').slice(0, 8), ['ai', 'ai', 'ai', 'human', 'human', 'human', 'human', 'human']);
    assert.deepEqual(noteRanges(repo, 'src/util.ts'), [[1, 3]]);
  });

  it('keeps short AI lines below AI lines a person deleted on disk', () => {
    writeFile(repo, 'src/validate.ts', '// validation\n');
    commitAll(repo, 'Start');
    const fn = [
      '// validation',
      'export function validate(input: { name?: string; age: number }): string[] {',
      '  const errors: string[] = [];',
      "  if (!input.name) errors.push('name is required');",
      "  if (input.age < 0) errors.push('age must not be negative');",
      '  return errors;',
      '}',
      '',
    ].join('\n');
    agentWrites(repo, 'src/validate.ts', fn);
    writeFile(repo, 'src/validate.ts', fn.replace("  if (input.age < 0) errors.push('age must not be negative');\n", ''));
    commitAll(repo, 'Validation');
    assert.deepEqual(blameKinds(repo, 'src/validate.ts'), ['human', 'ai', 'ai', 'ai', 'ai', 'ai']);
    assert.deepEqual(noteRanges(repo, 'src/validate.ts'), [[2, 6]]);
  });

  it('makes an AI line a person retyped on disk human, and one they touched up mixed', () => {
    writeFile(repo, 'src/config.ts', '// settings\n');
    commitAll(repo, 'Start');
    const text = '// settings\nexport const limit = computeLimit(defaults);\nexport const retries = parseRetries(process.env);\nexport const name = "service";\n';
    agentWrites(repo, 'src/config.ts', text);
    writeFile(
      repo,
      'src/config.ts',
      text.replace('export const limit = computeLimit(defaults);', 'let max = 10;').replace('parseRetries(process.env)', 'parseRetries(process.env) ?? 3'),
    );
    commitAll(repo, 'Settings');
    assert.deepEqual(blameKinds(repo, 'src/config.ts'), ['human', 'human', 'mixed', 'ai']);
  });

  it("leaves a person's function an agent only moved theirs", () => {
    const a = 'export function total(items) {\n  return items.reduce((s, i) => s + i.price, 0);\n}\n';
    const b = 'export function count(items) {\n  return items.length;\n}\n';
    writeFile(repo, 'src/cart.ts', `${a}\n${b}`);
    commitAll(repo, 'Cart by hand');
    agentWrites(repo, 'src/cart.ts', `${b}\n${a}// prices are in cents\n`);
    commitAll(repo, 'Count first');
    assert.deepEqual(blameKinds(repo, 'src/cart.ts'), ['human', 'human', 'human', 'human', 'human', 'human', 'human', 'ai']);
    assert.deepEqual(noteRanges(repo, 'src/cart.ts'), [[8, 8]]);
  });

  it("makes an agent's rewrite of a person's TODO into more lines of code AI, not mixed", () => {
    const py = 'def total(items):\n    # TODO\n    pass\n\n\ndef other():\n    return 1\n';
    writeFile(repo, 'app.py', py);
    commitAll(repo, 'Stub');
    agentEdits(repo, 'app.py', '    # TODO\n    pass\n', '    result = 0\n    for item in items:\n        result += item.price\n    return result\n');
    commitAll(repo, 'Total');
    assert.deepEqual(blameKinds(repo, 'app.py').slice(0, 5), ['human', 'ai', 'ai', 'ai', 'ai']);
    assert.deepEqual(noteRanges(repo, 'app.py'), [[2, 5]]);
  });
});
