// The sequence an agent plays against a deny path (PRODUCT.md §12), end to end: `install --agents claude-code`
// registers the pre-tool matcher, the command it wrote answers Claude Code's PreToolUse with a deny, the edit is not
// made, a person makes it, and the real commit hooks attribute it to the person with no AI trailers.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildCli, cleanup, CLI, fixture, git, kinds, makeRepo, readFile, writeFile } from './helpers';

const APP = 'export function one() {\n  return 1;\n}\n// end\n';
const EDITED = APP.replace('  return 1;\n', '  const total = items.reduce((sum, i) => sum + i.price, 0);\n  return total;\n');

describe('an agent stopped before a critical edit, through a real commit', function () {
  let repo: string;
  before(() => buildCli());
  beforeEach(() => {
    repo = makeRepo({
      'src/app.ts': APP,
      '.ai-provenance.json': JSON.stringify({ critical: [{ paths: ['src/app.ts'], reason: 'Billing core', level: 'block', reviewers: ['jane@example.com'], agents: 'deny' }] }),
    });
  });
  afterEach(() => cleanup(repo));

  it('denies the Edit, records nothing, and commits the person\'s own edit as human with no AI trailers', async () => {
    const install = spawnSync(process.execPath, [CLI, 'install', '--agents', 'claude-code'], { cwd: repo, encoding: 'utf8' });
    assert.equal(install.status, 0, install.stderr);
    assert.match(readFileSync(path.join(repo, '.git/hooks/prepare-commit-msg'), 'utf8'), /ai-provenance/, 'the git hooks are installed too');
    const settings = JSON.parse(readFileSync(path.join(repo, '.claude/settings.json'), 'utf8'));
    const group = settings.hooks.PreToolUse[0];
    // Claude Code matches the tool name against the matcher as a regular expression.
    for (const tool of ['Edit', 'Write', 'MultiEdit', 'Bash']) assert.match(tool, new RegExp(`^(?:${group.matcher})$`));
    const command = group.hooks[0].command as string;

    // Claude Code runs the command with the PreToolUse payload on stdin and reads its decision from stdout.
    const pre = spawnSync('sh', ['-c', command], { cwd: repo, input: fixture('claude-code', 'pre-edit', { repo }), encoding: 'utf8', env: { ...process.env, CLAUDE_PROJECT_DIR: repo } });
    assert.equal(pre.status, 0, pre.stderr);
    const decision = JSON.parse(pre.stdout);
    assert.equal(decision.hookSpecificOutput.permissionDecision, 'deny');
    assert.match(decision.hookSpecificOutput.permissionDecisionReason, /src\/app\.ts is a critical path .*Billing core.*jane@example\.com/);

    // Denied: Claude Code makes no edit and sends no PostToolUse. The person edits the file by hand.
    assert.equal(readFile(repo, 'src/app.ts'), APP);
    writeFile(repo, 'src/app.ts', EDITED);
    assert.deepEqual(await kinds(repo, 'src/app.ts'), ['human', 'human', 'human', 'human', 'human', 'human']);

    git(repo, 'add', 'src/app.ts');
    git(repo, 'commit', '-q', '-m', 'Sum the prices');
    const message = git(repo, 'log', '-1', '--format=%B');
    assert.equal(message.trim(), 'Sum the prices');
    assert.doesNotMatch(message, /Assisted-by|AI-Lines|AI-Critical/);
    assert.equal(spawnSync('git', ['notes', '--ref=ai-provenance', 'show', 'HEAD'], { cwd: repo }).status, 1, 'no provenance note');
    const check = spawnSync(process.execPath, [CLI, 'check', 'HEAD~1..HEAD'], { cwd: repo, encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
  });
});
