// A shell command run by an agent: what git itself brings back during it (stash pop, checkout, reset) is not the agent's.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { utimesSync } from 'node:fs';
import * as path from 'node:path';
import { buildCli, cleanup, fixture, git, kinds, makeRepo, provenance, quiet, runHook, writeFile, type HookRun } from './helpers';

const APP = 'export function one() {\n  return 1;\n}\n// end\n';

/** PreToolUse Bash, `command` in the repository (standing in for what the agent ran), PostToolUse Bash. */
function agentShell(repo: string, command: () => void): HookRun {
  quiet(runHook('claude-code', fixture('claude-code', 'pre-bash', { repo }), repo));
  command();
  const r = runHook('claude-code', fixture('claude-code', 'post-bash', { repo }), repo);
  quiet(r);
  return r;
}

describe('ai-provenance hook: shell commands and git', function () {
  let repo: string;
  before(() => buildCli());
  beforeEach(() => {
    repo = makeRepo({ 'src/app.ts': APP });
  });
  afterEach(() => cleanup(repo));

  it('does not attribute a person\'s stashed line that git stash pop brings back', async () => {
    writeFile(repo, 'src/app.ts', APP.replace('// end', '// a person wrote this'));
    git(repo, 'stash', '-q');
    const r = agentShell(repo, () => git(repo, 'stash', 'pop', '-q'));
    assert.match(r.stderr, /git moved HEAD, the index or the stash/);
    assert.equal(await provenance(repo, 'src/app.ts'), undefined);
  });

  it('does not attribute a file that a branch checkout changes', async () => {
    git(repo, 'switch', '-qc', 'other');
    writeFile(repo, 'src/app.ts', APP.replace('return 1', 'return 2 // on the other branch'));
    git(repo, 'commit', '-qam', 'other');
    git(repo, 'switch', '-q', 'main');
    agentShell(repo, () => git(repo, 'checkout', '-q', 'other'));
    assert.equal(await provenance(repo, 'src/app.ts'), undefined);
  });

  it('does not attribute the committed lines git checkout -- FILE restores', async () => {
    writeFile(repo, 'src/app.ts', 'export function one() {\n  return 7; // a person\n}\n');
    agentShell(repo, () => git(repo, 'checkout', '--', 'src/app.ts'));
    assert.deepEqual(await kinds(repo, 'src/app.ts'), ['human', 'human', 'human', 'human', 'human']);
  });

  it('still attributes the line a real sed -i changes', async () => {
    agentShell(repo, () => execFileSync('sed', ['-i', 's/return 1/return 42/', path.join(repo, 'src/app.ts')]));
    const k = await kinds(repo, 'src/app.ts');
    // The agent changed part of a person's line: `mixed` (or `ai`), never human.
    assert.match(k[1]!, /^(ai|mixed)@claude-code$/);
    assert.deepEqual([k[0], ...k.slice(2)], ['human', 'human', 'human', 'human']);
  });

  it('does not attribute a file whose modification time is before the command started', async () => {
    agentShell(repo, () => {
      writeFile(repo, 'src/app.ts', APP.replace('return 1', 'return 3'));
      const old = new Date(Date.now() - 60_000);
      utimesSync(path.join(repo, 'src/app.ts'), old, old);
    });
    assert.equal(await provenance(repo, 'src/app.ts'), undefined);
  });
});
