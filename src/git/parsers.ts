// One parser per git output format, pure (no process is started here) so each is tested on literal git output.

/** One object of `git cat-file --batch` output: `<id> <type> <size>\n<content>\n`. */
export interface BatchObject {
  readonly id: string;
  readonly type: string;
  readonly content: Buffer;
}

/** A `cat-file --batch` / `--batch-check` header: `<id> <type> <size>`; undefined for `<input> missing` (or ambiguous). */
export function parseBatchHeader(line: string): { id: string; type: string; size: number } | undefined {
  const m = /^([0-9a-f]{4,64}) (\w+) (\d+)$/.exec(line);
  return m ? { id: m[1]!, type: m[2]!, size: Number(m[3]) } : undefined;
}

/**
 * The objects of `git cat-file --batch` output for `count` input lines, in input order; undefined where git said
 * the input names no object. Throws when the output ends before `count` answers (git died midway).
 */
export function parseCatFileBatch(out: Buffer, count: number): (BatchObject | undefined)[] {
  const objects: (BatchObject | undefined)[] = [];
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const nl = out.indexOf(0x0a, pos);
    if (nl < 0) throw new Error(`git cat-file --batch: output ends after ${i} of ${count} objects`);
    const header = parseBatchHeader(out.subarray(pos, nl).toString('utf8'));
    pos = nl + 1;
    if (!header) {
      objects.push(undefined);
      continue;
    }
    if (pos + header.size > out.length) throw new Error(`git cat-file --batch: output ends inside ${header.id}`);
    objects.push({ id: header.id, type: header.type, content: out.subarray(pos, pos + header.size) });
    pos += header.size + 1;
  }
  return objects;
}

/** The parents named in a commit object's header (`git cat-file commit`, or a `--batch` object of type commit). */
export function commitParents(content: Buffer): string[] {
  const end = content.indexOf('\n\n');
  const header = content.subarray(0, end < 0 ? content.length : end).toString('latin1');
  const parents: string[] = [];
  // The parent lines follow the tree line; a continuation line of a signature or merge tag starts with a space.
  for (const line of header.split('\n')) if (line.startsWith('parent ')) parents.push(line.slice(7));
  return parents;
}

/** One entry of `git ls-tree -z` output: `<mode> <type> <id>\t<path>\0`. */
export interface TreeEntry {
  readonly mode: string;
  readonly type: string;
  readonly id: string;
  readonly path: string;
}

/** The entries of `git ls-tree -z` output (paths as they are, never quoted under -z). */
export function parseLsTree(out: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const rec of out.split('\0')) {
    const tab = rec.indexOf('\t');
    if (tab < 0) continue;
    const [mode = '', type = '', id = ''] = rec.slice(0, tab).split(' ');
    entries.push({ mode, type, id, path: rec.slice(tab + 1) });
  }
  return entries;
}

const NAMED_ESCAPES: Readonly<Record<string, number>> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };

/**
 * A path git C-quoted (`"a\tb\303\251.ts"`: octal bytes, C escapes), starting with the quote at `start`: the path and
 * the index just past its closing quote. Characters git left unescaped (core.quotePath=false) are taken whole.
 */
export function decodeQuotedPath(s: string, start = 0): { path: string; end: number } {
  const bytes: number[] = [];
  let i = start + 1;
  while (i < s.length && s[i] !== '"') {
    if (s[i] === '\\' && i + 1 < s.length) {
      const oct = /^[0-7]{3}/.exec(s.slice(i + 1, i + 4));
      if (oct) {
        bytes.push(parseInt(oct[0], 8));
        i += 4;
        continue;
      }
      const e = s[i + 1]!;
      const named = NAMED_ESCAPES[e];
      if (named !== undefined) bytes.push(named);
      else bytes.push(...Buffer.from(e, 'utf8'));
      i += 2;
      continue;
    }
    const ch = String.fromCodePoint(s.codePointAt(i) ?? 0);
    bytes.push(...Buffer.from(ch, 'utf8'));
    i += ch.length;
  }
  return { path: Buffer.from(bytes).toString('utf8'), end: i + 1 };
}

/** A path as git prints it outside -z output: C-quoted when it holds special characters, else as it is. */
export function unquotePath(name: string): string {
  return name.startsWith('"') ? decodeQuotedPath(name).path : name;
}
