// Every entry under a folder — files with their bytes, links with their targets, folders — to show that nothing in it changed.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import * as path from 'node:path';

/** `relative path → 'dir' | 'link <target>' | 'file <sha256>'`, links not followed; empty when the folder is missing. */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    const abs = path.join(dir, rel);
    const st = lstatSync(abs, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isSymbolicLink()) out[rel] = `link ${readlinkSync(abs)}`;
    else if (st.isDirectory()) {
      out[rel] = 'dir';
      for (const name of readdirSync(abs).sort()) walk(rel === '' ? name : path.join(rel, name));
    } else out[rel] = `file ${createHash('sha256').update(readFileSync(abs)).digest('hex')}`;
  };
  walk('');
  return out;
}
