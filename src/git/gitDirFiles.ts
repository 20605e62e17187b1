// Files the hooks keep in the git dir (the per-commit scratch dir, markers): written so that a symlink planted in
// its place is replaced, never followed to a file elsewhere.
import * as fs from 'node:fs';
import * as path from 'node:path';

// Linux and macOS have it; Windows has no symlinks a user could plant without privileges, and the lstat below still runs.
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/** Removes `p` when it is a symlink (or, where a directory is wanted, anything but a directory). */
function clearPlanted(p: string, want: 'file' | 'dir'): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return;
  }
  if (st.isSymbolicLink() || (want === 'dir' && !st.isDirectory())) fs.rmSync(p, { force: true, recursive: !st.isSymbolicLink() });
}

/** A real directory at `dir` (made with its parents when missing), never a symlink to one elsewhere. */
export function ensurePrivateDir(dir: string): void {
  clearPlanted(dir, 'dir');
  fs.mkdirSync(dir, { recursive: true });
}

/** Writes `data` to `file`, replacing a symlink planted there instead of writing through it. */
export function writePrivateFile(file: string, data: string, flags: 'w' | 'a' = 'w'): void {
  clearPlanted(file, 'file');
  const mode = fs.constants.O_WRONLY | fs.constants.O_CREAT | (flags === 'a' ? fs.constants.O_APPEND : fs.constants.O_TRUNC) | NOFOLLOW;
  const fd = fs.openSync(file, mode, 0o644);
  try {
    fs.writeFileSync(fd, data);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes `data` to `name` inside the directory `dir`, which is made a real directory first. */
export function writePrivateFileIn(dir: string, name: string, data: string): void {
  ensurePrivateDir(dir);
  writePrivateFile(path.join(dir, name), data);
}
