// git through argument arrays with a pinned environment; never a shell string.
import type * as ChildProcess from 'node:child_process';

/** Loaded on first use: a commit's hook process often starts no git at all, and the module costs it 2 ms. */
function childProcess(): typeof ChildProcess {
  return require('node:child_process') as typeof ChildProcess;
}

export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed${exitCode === null ? '' : ` (exit ${exitCode})`}: ${firstLine(stderr)}`);
    this.name = 'GitError';
  }
}

function firstLine(s: string): string {
  return s.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

export interface RunOptions {
  readonly cwd: string;
  /** Written to git's stdin. */
  readonly input?: string | Buffer;
  /** Extra environment on top of the pinned one. */
  readonly env?: NodeJS.ProcessEnv;
  /** Exit codes that are not errors (e.g. 1 for `git diff --quiet`). */
  readonly okCodes?: readonly number[];
}

export interface RunResult {
  readonly stdout: string;
  readonly exitCode: number;
  /** What git said on stderr (why an exit listed in okCodes happened). */
  readonly stderr: string;
}

const MAX_BUFFER = 512 * 1024 * 1024;

export function gitEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...process.env, ...extra, LC_ALL: 'C', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' };
}

/** Runs git and returns its stdout as UTF-8; rejects with GitError on a non-zero exit not listed in okCodes. */
export function git(args: readonly string[], opts: RunOptions): Promise<RunResult> {
  return gitBuffer(args, opts).then((r) => ({ stdout: r.stdout.toString('utf8'), exitCode: r.exitCode, stderr: r.stderr }));
}

/** Like `git`, but returns stdout as bytes (blobs may be binary). */
export function gitBuffer(args: readonly string[], opts: RunOptions): Promise<{ stdout: Buffer; exitCode: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = childProcess().execFile(
      'git',
      args as string[],
      { cwd: opts.cwd, env: gitEnv(opts.env), encoding: 'buffer', maxBuffer: MAX_BUFFER },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : (child.exitCode ?? null)) : 0;
        if (err && !(code !== null && opts.okCodes?.includes(code))) {
          reject(new GitError(args, code, stderr.toString('utf8') || err.message));
          return;
        }
        resolve({ stdout, exitCode: code ?? 0, stderr: stderr.toString('utf8') });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** Streams git's stdout line by line (for large outputs such as blame). */
export function gitLines(args: readonly string[], opts: RunOptions, onLine: (line: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = childProcess().spawn('git', args as string[], { cwd: opts.cwd, env: gitEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let rest = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const p of parts) onLine(p);
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (rest) onLine(rest);
      if (code === 0 || (code !== null && opts.okCodes?.includes(code))) resolve(code ?? 0);
      else reject(new GitError(args, code, stderr));
    });
  });
}
