// Hooks name the CLI they start by its absolute path. The extension's own folder changes with every update, and
// VS Code deletes the old one, which would leave the git and agent hooks installed from the editor pointing nowhere
// (commits would go through without trailers or notes until the next install). So installs run a copy of the CLI
// kept in the extension's global storage, a folder that outlives updates: one folder per build, never changed once
// complete, so hooks installed by any version keep the CLI they were installed with, whatever other windows do.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/** The launcher and the bundles it starts (a missing hook bundle only means the full one runs). */
export const CLI_FILES = ['cli-main.js', 'cli-hook.js', 'cli-git-hook.js', 'cli.js'] as const;
/** Written last into a copy: a folder without it was never completed. */
const STAMP = 'version';

/**
 * The `cli.js` of the copy of the extension's `dist` (`bundledDist`) under `root`, in a folder named for `version`
 * and the files' sizes and times (a rebuild of the same version is a new folder). Made in a temporary folder and
 * renamed into place whole; a folder another window completed first is used as it is.
 */
export async function ensureStableCli(bundledDist: string, root: string, version: string): Promise<string> {
  const present = await Promise.all(CLI_FILES.map(async (name) => ({ name, st: await fsp.stat(path.join(bundledDist, name)).catch(() => undefined) })));
  const stamp = [version, ...present.map(({ name, st }) => (st ? `${name}:${st.size}:${st.mtimeMs}` : `${name}:-`))].join(' ');
  const dir = path.join(root, `${version.replace(/[^0-9A-Za-z.+-]/g, '_')}-${fnv1a(stamp)}`);
  const cli = path.join(dir, 'cli.js');
  if (await isComplete(dir, stamp)) return cli;
  await fsp.mkdir(root, { recursive: true });
  const tmp = await fsp.mkdtemp(path.join(root, '.partial-'));
  try {
    for (const { name, st } of present) if (st) await fsp.copyFile(path.join(bundledDist, name), path.join(tmp, name));
    await fsp.writeFile(path.join(tmp, STAMP), `${stamp}\n`);
    try {
      await fsp.rename(tmp, dir);
    } catch (err) {
      // Another window renamed its copy into place first; a cut copy left by a crash is replaced.
      if (await isComplete(dir, stamp)) return cli;
      await fsp.rm(dir, { recursive: true, force: true });
      await fsp.rename(tmp, dir).catch(() => {
        throw err;
      });
    }
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
  }
  return cli;
}

async function isComplete(dir: string, stamp: string): Promise<boolean> {
  try {
    return (await fsp.readFile(path.join(dir, STAMP), 'utf8')).trim() === stamp;
  } catch {
    return false;
  }
}

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16).padStart(8, '0');
}
