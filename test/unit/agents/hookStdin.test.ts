// How `ai-provenance hook` reads its payload: from a pipe the agent already closed, from a pipe the agent is still
// writing to, and from a file, always recording the same thing (the real bundle, real files, a real repository).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildCli, cleanup, CLI, fixture, kinds, makeRepo, runHook, runHookAsync, writeFile, type HookRun } from './helpers';

const APP = 'export function one() {\n  return 1;\n}\n// end\n';
const EDITED = APP.replace('  return 1;\n', '  const total = items.reduce((sum, i) => sum + i.price, 0);\n  return total;\n');

/** The two lines the Edit wrote are the agent's (ai or mixed, as the line diff pairs them); the rest stay human. */
function assertEdited(k: string[]): void {
  assert.equal(k.length, 6);
  assert.equal(k[0], 'human');
  assert.match(k[1]!, /^(ai|mixed)@claude-code$/);
  assert.match(k[2]!, /^(ai|mixed)@claude-code$/);
  assert.deepEqual(k.slice(3), ['human', 'human', 'human']);
}

function silent(r: HookRun): void {
  assert.equal(r.status, 0, `exit status, stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, '');
}

function runHookSlowly(input: string, cwd: string, pauseMs: number): Promise<HookRun> {
  return runHookAsync('claude-code', input, cwd, pauseMs);
}

describe('ai-provenance hook reading stdin', function () {
  let repo: string;

  before(() => buildCli());
  beforeEach(() => {
    repo = makeRepo({ 'src/app.ts': APP });
  });
  afterEach(() => cleanup(repo));

  it('records an edit whose payload was written and closed before the hook read it', async () => {
    silent(runHook('claude-code', fixture('claude-code', 'pre-edit', { repo }), repo));
    writeFile(repo, 'src/app.ts', EDITED);
    silent(runHook('claude-code', fixture('claude-code', 'post-edit', { repo }), repo));
    assertEdited(await kinds(repo, 'src/app.ts'));
  });

  it('waits for the rest of a payload the agent is still writing', async () => {
    silent(await runHookSlowly(fixture('claude-code', 'pre-edit', { repo }), repo, 300));
    writeFile(repo, 'src/app.ts', EDITED);
    silent(await runHookSlowly(fixture('claude-code', 'post-edit', { repo }), repo, 300));
    assertEdited(await kinds(repo, 'src/app.ts'));
  });

  it('reads a payload given as a file on stdin', async () => {
    const run = async (name: string): Promise<HookRun> => {
      const file = path.join(repo, '.git', `${name}.json`);
      writeFileSync(file, fixture('claude-code', name, { repo }));
      const fd = openSync(file, 'r');
      try {
        return await new Promise((resolve, reject) => {
          const child = spawn(process.execPath, [CLI, 'hook', 'claude-code'], { cwd: repo, stdio: [fd, 'pipe', 'pipe'] });
          let stdout = '';
          let stderr = '';
          child.stdout!.on('data', (d) => (stdout += d));
          child.stderr!.on('data', (d) => (stderr += d));
          child.on('error', reject);
          child.on('close', (status) => resolve({ status, stdout, stderr }));
        });
      } finally {
        closeSync(fd);
      }
    };
    silent(await run('pre-edit'));
    writeFile(repo, 'src/app.ts', EDITED);
    silent(await run('post-edit'));
    assertEdited(await kinds(repo, 'src/app.ts'));
  });

  it('gives up on an agent that never closes stdin after 5 s, exiting 0 with one line', async () => {
    const child = spawn(process.execPath, [CLI, 'hook', 'claude-code'], { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const started = Date.now();
    child.stdin.write('{"hook_event_name": ');
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const took = Date.now() - started;
    child.stdin.destroy();
    assert.equal(status, 0);
    assert.equal(stdout, '');
    assert.match(stderr, /^ai-provenance hook claude-code: stdin: no end of input within 5 s; nothing recorded\n$/);
    // Not before the 5 s; how long after depends on the machine's load, so only mocha's timeout bounds it.
    assert.ok(took >= 4_900, `exited after ${took} ms`);
  });

  it('reports a payload cut off by the agent in one line, recording nothing', async () => {
    const payload = fixture('claude-code', 'post-edit', { repo });
    writeFile(repo, 'src/app.ts', EDITED);
    const r = await runHookSlowly(payload.slice(0, payload.length - 20), repo, 100);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^ai-provenance hook claude-code: stdin:\d+:\d+: invalid JSON/);
    assert.deepEqual(await kinds(repo, 'src/app.ts'), ['human', 'human', 'human', 'human', 'human', 'human']);
  });
});
