// Starting and stopping code-server (a real VS Code) on a throwaway profile; shared by tests, bench and demo.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { EXTENSION_ID } from './protocol';

/** What scripts/vscode-cache.mjs returns. */
export interface CodeServerInstall {
  readonly dir: string;
  readonly node: string;
  readonly entry: string;
  readonly vscodeVersion: string;
  readonly nodeVersion: string;
}

export interface Profile {
  readonly userDataDir: string;
  readonly extensionsDir: string;
}

/** Settings that keep a test window quiet and deterministic (no tips, updates, fetches or trust prompts). */
const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'git.autofetch': false,
  'git.confirmSync': false,
  'editor.inlineSuggest.enabled': true,
  'files.autoSave': 'off',
  'chat.disableAIFeatures': true,
};

/** Settings over SETTINGS for a window whose workspace stays untrusted: trust on, and no prompt that would grant it. */
export const UNTRUSTED_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.emptyWindow': false,
};

/** Creates the user-data and extensions folders under `root`, with quiet settings. */
export function createProfile(root: string, settings: Record<string, unknown> = {}): Profile {
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...SETTINGS, ...settings }, null, 2));
  return { userDataDir, extensionsDir };
}

/**
 * Installs our extension from the checkout as `ai-provenance.ai-provenance-<version>` (a symlink, so dist/ is live):
 * for the demo and the benchmarks; the tests install the .vsix (`installVsix`).
 * `manifest` rewrites package.json fields in a copied manifest instead (e.g. no activation events for the bench).
 */
export function installOurExtension(repoRoot: string, extensionsDir: string, manifest?: Record<string, unknown>): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string; publisher: string; name: string };
  if (`${pkg.publisher}.${pkg.name}` !== EXTENSION_ID) throw new Error(`package.json: expected extension id ${EXTENSION_ID}`);
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) throw new Error(`${path.join(repoRoot, 'dist', 'extension.js')} is missing: run npm run build`);
  const target = path.join(extensionsDir, `${EXTENSION_ID}-${pkg.version}`);
  if (!manifest) {
    fs.symlinkSync(repoRoot, target, 'dir');
    return target;
  }
  // Copied, not linked: the extension host maps `require('vscode')` to an extension by the module's real path.
  fs.mkdirSync(target, { recursive: true });
  for (const entry of fs.readdirSync(repoRoot)) {
    if (['package.json', 'node_modules', 'src', 'test', 'bench', 'out'].includes(entry) || entry.startsWith('.')) continue;
    fs.cpSync(path.join(repoRoot, entry), path.join(target, entry), { recursive: true });
  }
  fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify({ ...pkg, ...manifest }, null, 2));
  return target;
}

/**
 * Installs a .vsix as a user does: `code-server --install-extension FILE` into the profile; returns the folder it made.
 * Extension folders already in `extensionsDir` are registered by that install; one written after it would be ignored.
 */
export async function installVsix(install: CodeServerInstall, profile: Profile, vsix: string): Promise<string> {
  const args = [install.entry, '--install-extension', vsix, '--extensions-dir', profile.extensionsDir, '--user-data-dir', profile.userDataDir];
  const out = await new Promise<string>((resolve, reject) => {
    execFile(install.node, args, { encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`code-server --install-extension ${vsix} failed: ${(stderr || stdout || err.message).trim().split('\n')[0]}`));
      else resolve(stdout);
    });
  });
  const folder = fs.readdirSync(profile.extensionsDir).find((f) => f.startsWith(`${EXTENSION_ID}-`));
  if (!/was successfully installed/.test(out) || !folder) throw new Error(`code-server --install-extension ${vsix} printed: ${out.trim().split('\n').pop()}`);
  return path.join(profile.extensionsDir, folder);
}

/** Copies a template folder into `dir` and makes it a git repository with one commit. */
export function createGitWorkspace(dir: string, template?: string): string {
  fs.mkdirSync(dir, { recursive: true });
  if (template) fs.cpSync(template, dir, { recursive: true });
  const git = (...args: string[]): void => {
    execFileSync('git', args, { cwd: dir, stdio: 'ignore', env: { ...process.env, LC_ALL: 'C' } });
  };
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Test User');
  git('config', 'user.email', 'test@example.com');
  git('config', 'commit.gpgsign', 'false');
  git('add', '-A');
  git('commit', '-q', '--allow-empty', '-m', 'Initial commit');
  return fs.realpathSync(dir);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningServer {
  readonly url: string;
  /** URL that opens `folder` in the workbench. */
  folderUrl(folder: string): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly install: CodeServerInstall;
  readonly profile: Profile;
  /** code-server's output goes here. */
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly port?: number;
  /** Leave workspace trust on (untrusted-mode tests); off by default so no trust prompt appears. */
  readonly workspaceTrust?: boolean;
}

const LISTEN_LIMIT_MS = 120_000;

/** Starts code-server without auth on 127.0.0.1; resolves once it listens. */
export async function startCodeServer(opts: StartOptions): Promise<RunningServer> {
  const port = opts.port ?? (await freePort());
  const args = [
    opts.install.entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir', opts.profile.userDataDir,
    '--extensions-dir', opts.profile.extensionsDir,
    '--ignore-last-opened',
  ];
  const log = fs.openSync(opts.logFile, 'w');
  // Its own process group, so that stop() also ends the extension host and other children.
  const child = spawn(opts.install.node, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.on('close', () => fs.closeSync(log));
  const stop = (): Promise<void> => stopGroup(child);
  try {
    await new Promise<void>((resolve, reject) => {
      // It listens in under a second on a quiet machine: this only ends a start that hangs.
      const timer = setTimeout(() => reject(new Error(`code-server did not listen within ${LISTEN_LIMIT_MS / 1000} s (see ${opts.logFile})`)), LISTEN_LIMIT_MS);
      const onData = (d: Buffer): void => {
        fs.writeSync(log, d);
        if (d.toString().includes('HTTP server listening')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`code-server exited (${code}) before listening (see ${opts.logFile})`));
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const url = `http://127.0.0.1:${port}`;
  return { url, folderUrl: (folder) => `${url}/?folder=${encodeURIComponent(folder)}`, stop };
}

/** SIGTERM to the process group, SIGKILL after 3 s if it is still there. */
export function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const pid = child.pid;
  return new Promise((resolve) => {
    const kill = (sig: NodeJS.Signals): void => {
      try {
        process.kill(-pid, sig);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      kill('SIGKILL');
      resolve();
    }, 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      // Children (extension host, watchers) may outlive the server itself.
      kill('SIGKILL');
      resolve();
    });
    kill('SIGTERM');
  });
}
