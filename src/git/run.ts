// git through argument arrays with a pinned environment; never a shell string.
import type * as ChildProcess from 'node:child_process';
import { parseCatFileBatch, type BatchObject } from './parsers';

/** Loaded on first use: a commit's hook process often starts no git at all, and the module costs it 2 ms. */
function childProcess(): typeof ChildProcess {
  return require('node:child_process') as typeof ChildProcess;
}

/** Why git failed, read once here from what it printed (under LC_ALL=C) so no caller matches git's words itself. */
export type GitFailure =
  | 'not-a-repository'
  /** A revision, ref or object that does not exist, HEAD of a branch with no commit included. */
  | 'unknown-revision'
  /** A path that the named revision does not hold. */
  | 'no-such-path'
  /** Another git process holds a lock (`index.lock`, a ref's `.lock`). */
  | 'lock-held'
  /** The remote has no such ref (a fetch of refs it does not have). */
  | 'no-remote-ref'
  | 'other';

const FAILURES: readonly (readonly [RegExp, GitFailure])[] = [
  [/not a git repository/i, 'not-a-repository'],
  [/unable to create '[^']*\.lock'|cannot lock ref|another git process seems to be running/i, 'lock-held'],
  [/couldn't find remote ref/i, 'no-remote-ref'],
  [/no such path '|path '.*' does not exist in '/i, 'no-such-path'],
  [/unknown revision|bad revision|no such ref|does not have any commits|not a valid object name|invalid object name|bad object|needed a single revision|not a valid ref/i, 'unknown-revision'],
];

/** What git's stderr says went wrong; `other` when it is none of the failures callers act on. */
export function classifyGitFailure(stderr: string): GitFailure {
  return FAILURES.find(([re]) => re.test(stderr))?.[1] ?? 'other';
}

export class GitError extends Error {
  readonly failure: GitFailure;
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed${exitCode === null ? '' : ` (exit ${exitCode})`}: ${firstLine(stderr)}`);
    this.name = 'GitError';
    this.failure = classifyGitFailure(stderr);
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

/** The objects `inputs` name (ids, `rev:path`, `:path`), in order, through one `git cat-file --batch`; undefined for none. */
export async function catFileBatch(cwd: string, inputs: readonly string[]): Promise<(BatchObject | undefined)[]> {
  if (inputs.length === 0) return [];
  const { stdout } = await gitBuffer(['cat-file', '--batch'], { cwd, input: inputs.map((i) => `${i}\n`).join('') });
  return parseCatFileBatch(stdout, inputs.length);
}
