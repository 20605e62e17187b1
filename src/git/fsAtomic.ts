// How the state kept under the git dir is written and read, in one place: a file is made fresh under a temporary
// name with O_EXCL | O_NOFOLLOW and renamed into place, so a reader never sees half of it and a symbolic link planted
// at either name is replaced, never followed; a folder of the state that is a link, or not a folder, is refused.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { constants, promises as fsp } from 'node:fs';

/** A folder of the working state is a symbolic link or not a folder: nothing is written through it. */
export class UnsafeStateError extends Error {
  override name = 'UnsafeStateError';
  constructor(readonly file: string) {
    super(`${file}: is a symbolic link or not a folder; the ai-provenance working state is not written through it (remove it to go on)`);
  }
}

/** O_NOFOLLOW where the platform has it: O_EXCL already refuses a link at the name; this says so twice. */
const CREATE_EXCLUSIVE = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0);

function tempName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

export interface WriteOptions {
  /** Permission bits of the file, whatever the umask (hook scripts are executable). */
  readonly mode?: number;
}

/** Writes `file` through a new temporary file (O_EXCL | O_NOFOLLOW) renamed over it: a link at `file` is replaced, never followed. */
export async function atomicWrite(file: string, data: string | Uint8Array, io: StateFs = asyncFs, options: WriteOptions = {}): Promise<void> {
  const tmp = tempName(file);
  try {
    await io.createExclusive(tmp, data);
    if (options.mode !== undefined) await fsp.chmod(tmp, options.mode);
    await io.rename(tmp, file);
  } catch (err) {
    await unlinkIfThere(io, tmp).catch(() => undefined);
    throw err;
  }
}

/** `atomicWrite` for a short-lived process with nothing else to do meanwhile (an agent hook). */
export function atomicWriteSync(file: string, data: string | Uint8Array): void {
  const tmp = tempName(file);
  try {
    createExclusiveSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (err) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // Never made, or gone already: the write's own error is the one to tell.
    }
    throw err;
  }
}

/** Creates `file` with `data`; fails with EEXIST when anything is there, a link included. */
export function createExclusiveSync(file: string, data: string | Uint8Array): void {
  const fd = fs.openSync(file, CREATE_EXCLUSIVE, 0o644);
  try {
    fs.writeFileSync(fd, data);
  } finally {
    fs.closeSync(fd);
  }
}

/** The file system calls the store makes, with the same promise-returning shape whether they block or not. */
export interface StateFs {
  readFile(file: string): Promise<string>;
  readdir(dir: string): Promise<string[]>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  /** One folder, not its parents; fails with EEXIST when something is there. */
  mkdir(dir: string): Promise<void>;
  /** Creates `file` with `data`; fails with EEXIST when anything is there, a link included (the lock, temporary files). */
  createExclusive(file: string, data: string | Uint8Array): Promise<void>;
  /** What is at `file` itself (a link is not followed); undefined when nothing is. */
  kind(file: string): Promise<FileKind | undefined>;
  /** Of the link itself where `file` is one. */
  mtimeMs(file: string): Promise<number>;
}

export type FileKind = 'file' | 'dir' | 'symlink' | 'other';

function kindOf(st: fs.Stats): FileKind {
  return st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
}

export const asyncFs: StateFs = {
  readFile: (file) => fsp.readFile(file, 'utf8'),
  readdir: (dir) => fsp.readdir(dir),
  rename: (from, to) => fsp.rename(from, to),
  unlink: (file) => fsp.unlink(file),
  mkdir: async (dir) => {
    await fsp.mkdir(dir);
  },
  createExclusive: async (file, data) => {
    const h = await fsp.open(file, CREATE_EXCLUSIVE, 0o644);
    try {
      await h.writeFile(data);
    } finally {
      await h.close();
    }
  },
  kind: async (file) => {
    try {
      return kindOf(await fsp.lstat(file));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  },
  mtimeMs: async (file) => (await fsp.lstat(file)).mtimeMs,
};

// Async functions, so that a failing call still turns into a rejected promise as with the non-blocking calls.
export const blockingFs: StateFs = {
  readFile: async (file) => fs.readFileSync(file, 'utf8'),
  readdir: async (dir) => fs.readdirSync(dir),
  rename: async (from, to) => fs.renameSync(from, to),
  unlink: async (file) => fs.unlinkSync(file),
  mkdir: async (dir) => {
    fs.mkdirSync(dir);
  },
  createExclusive: async (file, data) => createExclusiveSync(file, data),
  kind: async (file) => {
    const st = fs.lstatSync(file, { throwIfNoEntry: false });
    return st && kindOf(st);
  },
  mtimeMs: async (file) => fs.lstatSync(file).mtimeMs,
};

/** Makes one folder of the state (its parent exists); one made meanwhile by another writer is fine, a link is not. */
export async function makeDir(io: StateFs, dir: string): Promise<void> {
  try {
    await io.mkdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if ((await io.kind(dir)) !== 'dir') throw new UnsafeStateError(dir);
  }
}

/** `dir` as a real folder, made when missing (its parent exists); throws UnsafeStateError when it is a link or a file. */
export function makeDirSync(dir: string): void {
  const st = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (st === undefined) {
    try {
      fs.mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (!fs.lstatSync(dir).isDirectory()) throw new UnsafeStateError(dir);
  } else if (!st.isDirectory()) throw new UnsafeStateError(dir);
}

/** The text of `file`; undefined when it or its folder is missing, or it is a folder. */
export async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if (isAbsent(err)) return undefined;
    throw err;
  }
}

export function readOptionalSync(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (isAbsent(err)) return undefined;
    throw err;
  }
}

function isAbsent(err: unknown): boolean {
  return isNotFound(err) || (err as NodeJS.ErrnoException).code === 'EISDIR';
}

/** `fs.rm` with `force` stats before it unlinks; a plain unlink is one call. Resolves to whether there was a file to remove. */
export async function unlinkIfThere(io: StateFs, file: string): Promise<boolean> {
  try {
    await io.unlink(file);
    return true;
  } catch (err) {
    if (!isNotFound(err)) throw err;
    return false;
  }
}

export function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}
