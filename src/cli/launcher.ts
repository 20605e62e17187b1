// Entry point of dist/cli.js. Git and agents start the CLI on every commit and edit, and on Node 20 compiling the
// bundle costs more than the hook's own work: so this small file picks the bundle a command needs (the hook commands
// have small ones of their own) and starts it from a V8 code cache kept per user, rebuilt when stale or rejected.
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { Script } from 'node:vm';

const MAIN_BUNDLE = 'cli-main.js';
const MAGIC = 'ai-provenance-v8-cache';
/**
 * A cache holds only the functions the run that wrote it compiled, and one hook run takes one path (say, an agent's
 * before-edit event): the next runs that find it rewrite it, each time with what they compiled on top, up to this many.
 */
export const CACHE_REFRESHES = 4;

/** The bundle, next to this file, that holds `command`. */
export function bundleFor(command: string | undefined): string {
  if (command === 'hook') return 'cli-hook.js';
  if (command === '_hook') return 'cli-git-hook.js';
  return MAIN_BUNDLE;
}

/** The per-user cache directory; undefined when none is known or `AI_PROVENANCE_CACHE_DIR` is empty (no cache). */
export function cacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  const own = env['AI_PROVENANCE_CACHE_DIR'];
  if (own !== undefined) return own === '' ? undefined : path.resolve(own);
  const xdg = env['XDG_CACHE_HOME'];
  const home = env['HOME'];
  let base: string | undefined;
  if (platform === 'win32') base = env['LOCALAPPDATA'];
  else if (xdg && path.isAbsolute(xdg)) base = xdg;
  else if (home) base = path.join(home, platform === 'darwin' ? 'Library/Caches' : '.cache');
  return base ? path.join(base, 'ai-provenance') : undefined;
}

/** One cache file per bundle path and Node build: V8 rejects code cached by another version anyway. */
export function cacheFileFor(dir: string, bundle: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bundle.length; i++) h = Math.imul(h ^ bundle.charCodeAt(i), 16777619);
  const key = `${path.basename(bundle, '.js')}-${(h >>> 0).toString(16)}-${process.version}-${process.arch}`;
  return path.join(dir, 'v8', `${key}.cache`);
}

function checksum(data: Uint8Array): string {
  return (require('node:crypto') as typeof import('node:crypto')).createHash('sha1').update(data).digest('hex');
}

function headerOf(st: Stats, refreshes: number, data: Uint8Array): string {
  return `${MAGIC} ${st.size} ${st.mtimeMs} ${refreshes} ${checksum(data)}\n`;
}

export interface CachedCode {
  readonly data: Buffer;
  /** How many times the cache was rewritten with more compiled functions. */
  readonly refreshes: number;
}

/**
 * The cached code for the bundle as it is on disk now, or undefined. V8 checks only the cache's version and the
 * source's length, not its bytes, so a checksum of our own keeps a damaged file from ever reaching it.
 */
export function readCache(file: string, st: Stats): CachedCode | undefined {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch {
    return undefined;
  }
  const nl = raw.indexOf(0x0a);
  if (nl < 0 || nl > 200) return undefined;
  const [magic, size, mtime, refreshes, sum] = raw.subarray(0, nl).toString('latin1').split(' ');
  if (magic !== MAGIC || size !== String(st.size) || mtime !== String(st.mtimeMs) || !/^\d+$/.test(refreshes ?? '')) return undefined;
  const data = raw.subarray(nl + 1);
  return checksum(data) === sum ? { data, refreshes: Number(refreshes) } : undefined;
}

/** Writes the cache by temp file and rename; any failure (read-only or full disk) only means no cache next time. */
export function writeCache(file: string, st: Stats, refreshes: number, produce: () => Buffer): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  let fd: number | undefined;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    // Opened before the cache is produced, so a read-only directory costs no serialization.
    fd = openSync(tmp, 'w', 0o644);
    const data = produce();
    writeSync(fd, headerOf(st, refreshes, data));
    writeSync(fd, data);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
    return true;
  } catch {
    try {
      if (fd !== undefined) closeSync(fd);
      rmSync(tmp, { force: true });
    } catch {
      // Nothing was created where nothing can be.
    }
    return false;
  }
}

type ModuleBody = (exports: unknown, require: NodeRequire, module: { exports: unknown }, filename: string, dirname: string) => void;

/** Runs a CommonJS bundle as Node would, compiled from `cacheFile` when it holds code for this very bundle. */
export function runBundle(bundle: string, cacheFile: string | undefined): void {
  const source = readFileSync(bundle, 'utf8');
  const st = statSync(bundle);
  const cached = cacheFile === undefined ? undefined : readCache(cacheFile, st);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData: cached?.data });
  const usable = cached !== undefined && script.cachedDataRejected !== true;
  if (cacheFile !== undefined && (!usable || cached.refreshes < CACHE_REFRESHES)) {
    // Produced at exit, once the command has run: the cache then holds the functions it compiled on the way.
    process.once('exit', () => writeCache(cacheFile, st, usable ? cached.refreshes + 1 : 0, () => script.createCachedData()));
  }
  const body = script.runInThisContext() as ModuleBody;
  const module = { exports: {} };
  body.call(module.exports, module.exports, require, module, bundle, path.dirname(bundle));
}

/** Whether this Node version has `module.enableCompileCache()` (22.1 and later). */
export function hasCompileCache(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 1);
}

/**
 * Hooks start Node with NODE_EXTRA_CA_CERTS emptied (they open no TLS connection, and Node parses that bundle at
 * start-up) and its value in AI_PROVENANCE_EXTRA_CA_CERTS: put it back for the processes the command starts.
 */
export function restoreExtraCaCerts(env: NodeJS.ProcessEnv): void {
  const saved = env['AI_PROVENANCE_EXTRA_CA_CERTS'];
  if (saved === undefined) return;
  delete env['AI_PROVENANCE_EXTRA_CA_CERTS'];
  if (env['NODE_EXTRA_CA_CERTS'] !== '') return;
  // Empty: the variable was unset (or empty, which Node treats the same) where the hook started.
  if (saved === '') delete env['NODE_EXTRA_CA_CERTS'];
  else env['NODE_EXTRA_CA_CERTS'] = saved;
}

function launch(): void {
  restoreExtraCaCerts(process.env);
  let bundle = path.join(__dirname, bundleFor(process.argv[2]));
  try {
    statSync(bundle);
  } catch {
    // A package that ships only the full CLI still runs every command.
    bundle = path.join(__dirname, MAIN_BUNDLE);
  }
  const dir = cacheDir(process.env, process.platform);
  // Asked only where it can exist: loading the `module` built-in costs Node 20 its source-map support code.
  const nodeModule = hasCompileCache(process.versions.node) ? (require('node:module') as { enableCompileCache?: (dir?: string) => unknown }) : {};
  if (typeof nodeModule.enableCompileCache === 'function') {
    // Node 22.1 and later keep and check a compile cache themselves.
    nodeModule.enableCompileCache(dir && path.join(dir, 'node'));
    require(bundle);
    return;
  }
  runBundle(bundle, dir === undefined ? undefined : cacheFileFor(dir, bundle));
}

if (require.main === module) {
  try {
    launch();
  } catch (err) {
    process.stderr.write(`ai-provenance: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = process.argv[2] === 'hook' ? 0 : 1;
  }
}
