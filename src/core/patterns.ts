// gitignore-style path patterns, matched with the `ignore` package (the gitignore rules, including
// "last match wins" and "a file under an excluded folder cannot be re-included").
import ignore, { type Ignore } from 'ignore';

export interface PathMatcher {
  /** The patterns, as given. */
  readonly patterns: readonly string[];
  /** Whether the last pattern that matches a repository-relative, `/`-separated path is a positive one. */
  matches(path: string): boolean;
}

export interface MatchOptions {
  /** Match case-insensitively, like git with `core.ignorecase=true`; default false (git's default on Linux). */
  readonly ignoreCase?: boolean;
}

/** Compiles patterns that passed the schema's checks (which rule out line breaks, on which `ignore` would split a pattern). */
export function compilePatterns(patterns: readonly string[], options: MatchOptions = {}): PathMatcher {
  const ig: Ignore = ignore({ ignorecase: options.ignoreCase ?? false });
  for (const p of patterns) ig.add(p);
  return {
    patterns,
    matches: (path) => ig.ignores(toRepoPath(path)),
  };
}

/**
 * A repository-relative path in the form the matchers take: `/`-separated, no leading `./`.
 * Throws a RangeError naming the path when it is empty, absolute or leaves the repository.
 */
export function toRepoPath(path: string): string {
  let p = path;
  while (p.startsWith('./')) p = p.slice(2);
  if (p === '' || p === '.' || p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p === '..' || p.startsWith('../')) {
    throw new RangeError(`expected a repository-relative path, got "${path}"`);
  }
  return p;
}
