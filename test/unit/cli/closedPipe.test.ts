// `ai-provenance status | head -3`: a reader that goes away early must not turn into a stack trace.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import { cleanupTemp, GIT_ENV, initRepo, lines, write } from '../git/helpers';
import { cliBundle } from '../git/hookEnv';

/** Runs the CLI with its stdout on a pipe this side closes after the first chunk, as `| head -c 1` would. */
function runAndCloseEarly(cwd: string, args: string[]): Promise<{ code: number | null; stderr: string; got: number }> {
  const { cli } = cliBundle();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let got = 0;
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.once('data', (d: Buffer) => {
      got = d.length;
      child.stdout.destroy();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, got }));
  });
}

describe('output to a closed pipe', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    cliBundle();
    dir = initRepo();
    // Output far larger than a pipe's buffer, so the writes go on after the reader has gone.
    write(dir, 'big.ts', lines(40_000, 'export const value ='));
    const files = Array.from({ length: 400 }, (_, i) => `src/file-with-a-long-name-${i}.ts`);
    for (const f of files) write(dir, f, lines(3));
    execFileSync(process.execPath, [cliBundle().cli, 'record', '--agent', 'claude-code', 'big.ts', ...files], { cwd: dir, env: GIT_ENV });
  });
  after(cleanupTemp);

  for (const args of [['blame', 'big.ts'], ['blame', 'big.ts', '--json'], ['status'], ['status', '--json']]) {
    it(`ends quietly: ai-provenance ${args.join(' ')}`, async () => {
      const r = await runAndCloseEarly(dir, args);
      assert.ok(r.got > 0, 'it wrote something first');
      assert.equal(r.stderr, '', 'no stack trace, no message');
      // 141 is what a shell gives a command its reader left (128 + SIGPIPE); a command that wrote everything before
      // the reader went (the output fit the pipe's buffer) ends as usual. Blame's megabyte cannot fit.
      if (args[0] === 'blame') assert.equal(r.code, 141);
      else assert.ok(r.code === 0 || r.code === 141, `exit ${r.code}`);
    });
  }

  it('still reports other write errors', () => {
    // /dev/full fails every write with ENOSPC: not a closed pipe, so it is an error worth seeing.
    const r = (() => {
      try {
        execFileSync('sh', ['-c', `'${process.execPath}' '${cliBundle().cli}' blame big.ts > /dev/full`], { cwd: path.resolve(dir), env: GIT_ENV, stdio: ['ignore', 'ignore', 'pipe'] });
        return { status: 0, stderr: '' };
      } catch (err) {
        const e = err as { status: number; stderr: Buffer };
        return { status: e.status, stderr: e.stderr.toString() };
      }
    })();
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /ENOSPC/);
  });
});
