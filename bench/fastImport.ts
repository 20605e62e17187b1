// Benchmark histories written with one `git fast-import`: commits and notes of any size in a second.
import { spawn } from 'node:child_process';

export interface FastImport {
  /** Writes fast-import commands as they are. */
  readonly w: (s: string) => boolean;
  /** A `data` command holding `s`. */
  readonly data: (s: string) => string;
  /** A `data` command holding the lines `ls`, each ended by a line break. */
  readonly body: (ls: readonly string[]) => string;
  /** Ends the stream; resolves when git has written everything. */
  readonly end: () => Promise<void>;
}

export function fastImport(dir: string, env: NodeJS.ProcessEnv): FastImport {
  const fi = spawn('git', ['fast-import', '--quiet'], { cwd: dir, env, stdio: ['pipe', 'inherit', 'inherit'] });
  const done = new Promise<void>((resolve, reject) => fi.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}`)))));
  const data = (s: string): string => `data ${Buffer.byteLength(s)}\n${s}\n`;
  return {
    w: (s) => fi.stdin.write(s),
    data,
    body: (ls) => data(ls.join('\n') + '\n'),
    end: () => {
      fi.stdin.end();
      return done;
    },
  };
}
