// Hooks name the CLI they start by its absolute path. The extension's own folder changes with every update, and
// VS Code deletes the old one, which would leave the git and agent hooks installed from the editor pointing nowhere
// (commits would go through without trailers or notes until the next install). So installs run a copy of the CLI
// kept in the extension's global storage, a folder that outlives updates, refreshed when the version changes.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/** The launcher and the bundles it starts (a missing hook bundle only means the full one runs). */
export const CLI_FILES = ['cli-main.js', 'cli-hook.js', 'cli-git-hook.js', 'cli.js'] as const;
const STAMP = 'version';

/**
 * The copy's `cli.js` in `dir`, made from the extension's `dist` (`bundledDist`) unless `dir` already holds this
 * `version`. Each file is written to a temporary name and renamed into place, the launcher last and the version
 * stamp after it, so a hook that starts meanwhile finds whole files and the next activation finishes a cut copy.
 */
export async function ensureStableCli(bundledDist: string, dir: string, version: string): Promise<string> {
  const cli = path.join(dir, 'cli.js');
  const present = await Promise.all(CLI_FILES.map(async (name) => ({ name, st: await fsp.stat(path.join(bundledDist, name)).catch(() => undefined) })));
  // The version, and each file's size and time: a rebuild of the same version (development) is copied too.
  const stamp = [version, ...present.map(({ name, st }) => (st ? `${name}:${st.size}:${st.mtimeMs}` : `${name}:-`))].join(' ');
  if ((await readStamp(dir)) === stamp && (await exists(cli))) return cli;
  await fsp.mkdir(dir, { recursive: true });
  for (const { name, st } of present) {
    if (st) await replace(path.join(dir, name), (tmp) => fsp.copyFile(path.join(bundledDist, name), tmp));
  }
  await replace(path.join(dir, STAMP), (tmp) => fsp.writeFile(tmp, `${stamp}\n`));
  return cli;
}

async function readStamp(dir: string): Promise<string | undefined> {
  try {
    return (await fsp.readFile(path.join(dir, STAMP), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    return false;
  }
}

async function replace(file: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await write(tmp);
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}
