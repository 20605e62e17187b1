// Driver side of an integration run: code-server + headless Chromium + an RPC endpoint for the in-host tests.
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { bundleTestExtensions } from './bundle';
import { createGitWorkspace, createProfile, installOurExtension, installVsix, startCodeServer, UNTRUSTED_SETTINGS, type CodeServerInstall } from './codeServer';
import type { AddressInfo } from 'node:net';
import { GIT_PROBE_ENV, isUntrustedTestFile, TEST_TIMEOUT_MS, type DriverCalls, type HarnessConfig, type RpcRequest, type RunSummary, type WaitOptions } from './protocol';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface RunOptions {
  readonly repoRoot: string;
  readonly install: CodeServerInstall;
  readonly testFiles: readonly string[];
  /** Our extension as users get it, installed with `--install-extension`; without it the checkout is linked (benchmarks). */
  readonly vsix?: string;
  /** Everything the run keeps: screenshots, logs. */
  readonly artifactsDir: string;
  readonly timeoutMs: number;
  readonly testTimeoutMs?: number;
  readonly grep?: string;
  /** Keep the temporary folders (for debugging). */
  readonly keep?: boolean;
  /** Replaces fields of our extension's manifest (the activation bench installs it without activation events). */
  readonly manifest?: Record<string, unknown>;
  readonly settings?: Record<string, unknown>;
  readonly write: (line: string) => void;
  readonly onReport?: (name: string, value: number, unit: string) => void;
  /** Called with VS Code's user-data folder (its logs are under logs/) before the temporary folders go. */
  readonly beforeCleanup?: (userDataDir: string) => void;
}

export interface RunResult extends RunSummary {
  readonly timedOut: boolean;
}

type Cleanup = () => Promise<void> | void;

/**
 * Runs the tests once; always stops what it started. Rejects only when the run could not start.
 * `*.untrusted.test.ts` files run afterwards in a second window, with workspace trust on and the workspace untrusted.
 */
export async function runIntegration(opts: RunOptions, signal: AbortSignal): Promise<RunResult> {
  if (opts.vsix && opts.manifest) throw new Error('runIntegration: a .vsix is installed as it is; `manifest` changes the linked checkout only');
  const deadline = Date.now() + opts.timeoutMs;
  const sessions = [
    { files: opts.testFiles.filter((f) => !isUntrustedTestFile(f)), untrusted: false },
    { files: opts.testFiles.filter(isUntrustedTestFile), untrusted: true },
  ].filter((g) => g.files.length > 0);
  if (sessions.length === 0) throw new Error('no integration test files to run');
  let total: RunResult = { passed: 0, failed: 0, skipped: 0, failures: [], timedOut: false };
  for (const session of sessions) {
    if (signal.aborted) break;
    if (session.untrusted) opts.write('\n  (in a window whose workspace is untrusted)');
    const r = await runSession({ ...opts, testFiles: session.files, timeoutMs: Math.max(1000, deadline - Date.now()) }, session.untrusted, signal);
    total = { passed: total.passed + r.passed, failed: total.failed + r.failed, skipped: total.skipped + r.skipped, failures: [...total.failures, ...r.failures], timedOut: r.timedOut };
    if (r.timedOut) break;
  }
  return total;
}

async function runSession(opts: RunOptions, untrusted: boolean, signal: AbortSignal): Promise<RunResult> {
  const stopped = Symbol('stopped');
  const abort = new Promise<typeof stopped>((resolve) => signal.addEventListener('abort', () => resolve(stopped), { once: true }));
  const check = (): void => {
    if (signal.aborted) throw new Error('interrupted');
  };
  const cleanups: Cleanup[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-provenance-it-'));
  // Artifacts of the untrusted window sit next to the first window's, not over them.
  const tag = untrusted ? '-untrusted' : '';
  if (opts.keep) opts.write(`integration: keeping the workspace and profile in ${tmp}`);
  else cleanups.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
  fs.mkdirSync(opts.artifactsDir, { recursive: true });
  try {
    const workspace = createGitWorkspace(path.join(tmp, 'workspace'), path.join(opts.repoRoot, 'test', 'integration', 'fixtures', 'workspace'));
    const profile = createProfile(path.join(tmp, 'profile'), { ...opts.settings, ...(untrusted ? UNTRUSTED_SETTINGS : {}) });
    const gitLog = untrusted ? path.join(tmp, 'git-calls.log') : undefined;
    // VSCODE_CLI=1 keeps the extension host on this PATH: otherwise code-server takes PATH from a login shell.
    const env = gitLog ? { PATH: `${writeGitLogger(path.join(tmp, 'git-logger'), gitLog)}${path.delimiter}${process.env.PATH ?? ''}`, VSCODE_CLI: '1' } : undefined;
    if (opts.beforeCleanup) {
      const hook = opts.beforeCleanup;
      cleanups.push(() => hook(profile.userDataDir));
    }
    const bundles = await bundleTestExtensions(opts.repoRoot, profile.extensionsDir, opts.testFiles);
    // After the test extensions: installing registers the folders already there.
    if (opts.vsix) await installVsix(opts.install, profile, opts.vsix);
    else installOurExtension(opts.repoRoot, profile.extensionsDir, opts.manifest);
    check();

    let page: Page | undefined;
    let finish: (summary: RunSummary) => void = () => undefined;
    const finished = new Promise<RunSummary>((resolve) => (finish = resolve));
    const rpc = await serveRpc({
      press: async (key) => (await need(page)).keyboard.press(key),
      type: async (text) => (await need(page)).keyboard.type(text, { delay: 20 }),
      click: async (selector, timeoutMs) => (await need(page)).locator(selector).first().click({ timeout: timeoutMs }),
      hover: async (selector, timeoutMs) => (await need(page)).locator(selector).first().hover({ timeout: timeoutMs }),
      screenshot: async (name) => {
        const file = path.join(opts.artifactsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
        await (await need(page)).screenshot({ path: file });
        return file;
      },
      evaluate: async (expression) => (await need(page)).evaluate(expression),
      waitForSelector: async (selector, options: WaitOptions) => {
        const p = await need(page);
        await p.waitForSelector(selector, { state: options.state ?? 'visible', timeout: options.timeoutMs ?? TEST_TIMEOUT_MS });
        return p.locator(selector).count();
      },
      log: (line) => opts.write(line),
      done: (summary) => finish(summary),
      report: (name, value, unit) => opts.onReport?.(name, value, unit),
      cli: (args) => runCliOutside(opts.repoRoot, workspace, args, env),
    });
    cleanups.push(() => rpc.close());

    const config: HarnessConfig = {
      driverUrl: rpc.url,
      testsBundle: bundles.testsBundle,
      repoRoot: opts.repoRoot,
      workspace,
      artifactsDir: opts.artifactsDir,
      timeoutMs: opts.testTimeoutMs ?? TEST_TIMEOUT_MS,
      grep: opts.grep,
      ...(untrusted ? { untrusted, gitLog } : {}),
    };
    fs.writeFileSync(path.join(bundles.driverDir, 'harness.json'), JSON.stringify(config, null, 2));

    const server = await startCodeServer({ install: opts.install, profile, logFile: path.join(opts.artifactsDir, `code-server${tag}.log`), env, workspaceTrust: untrusted });
    cleanups.push(() => server.stop());
    check();
    // Signals are ours to handle: Playwright's own handlers would exit the process before cleanup.
    const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
    cleanups.push(() => browser.close());
    check();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const opened = await context.newPage();
    const consoleLog = path.join(opts.artifactsDir, `browser-console${tag}.log`);
    fs.writeFileSync(consoleLog, '');
    opened.on('console', (m) => fs.appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`));
    opened.on('pageerror', (e) => fs.appendFileSync(consoleLog, `[pageerror] ${e.message}\n`));
    await opened.goto(server.folderUrl(workspace));
    page = opened;
    check();

    const timedOut = Symbol('timeout');
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      finished,
      new Promise<typeof timedOut>((resolve) => (timer = setTimeout(() => resolve(timedOut), opts.timeoutMs))),
      abort,
    ]);
    clearTimeout(timer);
    if (outcome === timedOut || outcome === stopped) {
      await opened.screenshot({ path: path.join(opts.artifactsDir, `timeout${tag}.png`) }).catch(() => undefined);
      copyLogs(profile.userDataDir, opts.artifactsDir, tag);
      const why = signal.aborted ? 'interrupted' : `no result within ${Math.round(opts.timeoutMs / 1000)} s`;
      return { passed: 0, failed: 1, skipped: 0, failures: [{ title: 'integration run', message: why }], timedOut: true };
    }
    if (outcome.failed > 0) copyLogs(profile.userDataDir, opts.artifactsDir, tag);
    return { ...outcome, timedOut: false };
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch(() => undefined);
    }
  }
}

async function need(page: Page | undefined): Promise<Page> {
  if (!page) throw new Error('the browser page is not open yet');
  return page;
}

/** Keeps VS Code's own logs (extension host, window) next to the screenshots when something went wrong. */
function copyLogs(userDataDir: string, artifactsDir: string, tag: string): void {
  const logs = path.join(userDataDir, 'logs');
  if (fs.existsSync(logs)) fs.cpSync(logs, path.join(artifactsDir, `vscode-logs${tag}`), { recursive: true });
}

const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A `git` first on code-server's PATH that appends `<pid> <parent> … \t<probe>\t<args>` to `logFile`, then runs the real
 * git; the pid chain lets a test tell the extension host's git processes from everyone else's.
 */
function writeGitLogger(dir: string, logFile: string): string {
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  if (!real) throw new Error('git is not on PATH');
  fs.mkdirSync(dir, { recursive: true });
  const script = [
    '#!/bin/sh',
    'p=$$ chain=',
    'while [ -n "$p" ] && [ "$p" -gt 1 ]; do',
    '  chain="$chain $p"',
    '  p=$(sed -n "s/^PPid:[[:space:]]*//p" /proc/$p/status 2>/dev/null)',
    'done',
    `printf '%s\\t%s\\t%s\\n' "\${chain# }" "\${${GIT_PROBE_ENV}:-}" "$*" >> ${shq(logFile)}`,
    `exec ${shq(real)} "$@"`,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'git'), script, { mode: 0o755 });
  fs.writeFileSync(logFile, '');
  return dir;
}

/** `node dist/cli.js …` in the workspace, from the driver's process: what a terminal or an agent outside VS Code would run. */
function runCliOutside(repoRoot: string, workspace: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) return Promise.reject(new Error('expected a list of strings'));
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), ...args], { cwd: workspace, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

type Handlers = { [M in keyof DriverCalls]: (...args: Parameters<DriverCalls[M]>) => ReturnType<DriverCalls[M]> | Promise<ReturnType<DriverCalls[M]>> };

/** A JSON-over-HTTP endpoint on 127.0.0.1 for the in-host tests' driver calls. */
function serveRpc(handlers: Handlers): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const reply = (status: number, value: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      let call: RpcRequest;
      try {
        call = JSON.parse(body) as RpcRequest;
      } catch {
        reply(400, { error: 'request body is not JSON' });
        return;
      }
      const handler = Object.hasOwn(handlers, call.method) ? (handlers[call.method] as (...args: unknown[]) => unknown) : undefined;
      if (req.url !== '/rpc' || !handler || !Array.isArray(call.args)) {
        reply(404, { error: `unknown method ${String(call.method)}` });
        return;
      }
      Promise.resolve()
        .then(() => handler(...(call.args as unknown[])))
        .then(
          (result) => reply(200, { result: result ?? null }),
          (err: unknown) => reply(200, { error: err instanceof Error ? err.message.split('\n')[0] : String(err) }),
        );
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
