// The command line of the git process that started a hook, read up the process tree (/proc, or `ps` elsewhere).
import { readOptional } from './fsAtomic';

/**
 * The arguments after `subcommand` of the git command that started this hook (found up the process tree: git, its
 * hook shell, our wrapper), or undefined when no such git command is found. git tells hooks some things only this way.
 */
export async function parentGitArgs(subcommand: string): Promise<string[] | undefined> {
  let pid = process.ppid;
  for (let depth = 0; depth < 6 && pid > 1; depth++) {
    const args = await commandLine(pid);
    if (!args) return undefined;
    const sub = args.findIndex((a, i) => i > 0 && a === subcommand);
    if (sub > 0 && /(^|\/)git(\.exe)?$/.test(args[0] ?? '')) return args.slice(sub + 1);
    pid = await parentPid(pid);
  }
  return undefined;
}

async function commandLine(pid: number): Promise<string[] | undefined> {
  const raw = await readOptional(`/proc/${pid}/cmdline`);
  if (raw !== undefined) return raw.split('\0').filter((s, i, a) => s !== '' || i < a.length - 1);
  const r = await psField(pid, 'args');
  return r === undefined ? undefined : r.split(/\s+/);
}

async function parentPid(pid: number): Promise<number> {
  const stat = await readOptional(`/proc/${pid}/stat`);
  if (stat !== undefined) return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return Number((await psField(pid, 'ppid')) ?? 0);
}

async function psField(pid: number, field: string): Promise<string | undefined> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile('ps', ['-o', `${field}=`, '-p', String(pid)], (err, out) => resolve(err ? undefined : out.trim()));
  });
}

