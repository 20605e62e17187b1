// Driver side of an integration run: code-server + headless Chromium + an RPC endpoint for the in-host tests.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { bundleTestExtensions } from './bundle';
import { createGitWorkspace, createProfile, installOurExtension, startCodeServer, type CodeServerInstall } from './codeServer';
import type { AddressInfo } from 'node:net';
import type { DriverCalls, HarnessConfig, RpcRequest, RunSummary, WaitOptions } from './protocol';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface RunOptions {
  readonly repoRoot: string;
  readonly install: CodeServerInstall;
  readonly testFiles: readonly string[];
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

/** Runs the tests once; always stops what it started. Rejects only when the run could not start. */
export async function runIntegration(opts: RunOptions, signal: AbortSignal): Promise<RunResult> {
  const stopped = Symbol('stopped');
  const abort = new Promise<typeof stopped>((resolve) => signal.addEventListener('abort', () => resolve(stopped), { once: true }));
  const check = (): void => {
    if (signal.aborted) throw new Error('interrupted');
  };
  const cleanups: Cleanup[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-provenance-it-'));
  if (opts.keep) opts.write(`integration: keeping the workspace and profile in ${tmp}`);
  else cleanups.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
  fs.mkdirSync(opts.artifactsDir, { recursive: true });
  try {
    const workspace = createGitWorkspace(path.join(tmp, 'workspace'), path.join(opts.repoRoot, 'test', 'integration', 'fixtures', 'workspace'));
    const profile = createProfile(path.join(tmp, 'profile'), opts.settings);
    if (opts.beforeCleanup) {
      const hook = opts.beforeCleanup;
      cleanups.push(() => hook(profile.userDataDir));
    }
    installOurExtension(opts.repoRoot, profile.extensionsDir, opts.manifest);
    const bundles = await bundleTestExtensions(opts.repoRoot, profile.extensionsDir, opts.testFiles);
    check();

    let page: Page | undefined;
    let finish: (summary: RunSummary) => void = () => undefined;
    const finished = new Promise<RunSummary>((resolve) => (finish = resolve));
    const rpc = await serveRpc({
      press: async (key) => (await need(page)).keyboard.press(key),
      type: async (text) => (await need(page)).keyboard.type(text, { delay: 20 }),
      click: async (selector, timeoutMs) => (await need(page)).locator(selector).first().click({ timeout: timeoutMs }),
      screenshot: async (name) => {
        const file = path.join(opts.artifactsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
        await (await need(page)).screenshot({ path: file });
        return file;
      },
      evaluate: async (expression) => (await need(page)).evaluate(expression),
      waitForSelector: async (selector, options: WaitOptions) => {
        const p = await need(page);
        await p.waitForSelector(selector, { state: options.state ?? 'visible', timeout: options.timeoutMs ?? 10_000 });
        return p.locator(selector).count();
      },
      log: (line) => opts.write(line),
      done: (summary) => finish(summary),
      report: (name, value, unit) => opts.onReport?.(name, value, unit),
    });
    cleanups.push(() => rpc.close());

    const config: HarnessConfig = {
      driverUrl: rpc.url,
      testsBundle: bundles.testsBundle,
      repoRoot: opts.repoRoot,
      workspace,
      artifactsDir: opts.artifactsDir,
      timeoutMs: opts.testTimeoutMs ?? 30_000,
      grep: opts.grep,
    };
    fs.writeFileSync(path.join(bundles.driverDir, 'harness.json'), JSON.stringify(config, null, 2));

    const server = await startCodeServer({ install: opts.install, profile, logFile: path.join(opts.artifactsDir, 'code-server.log') });
    cleanups.push(() => server.stop());
    check();
    // Signals are ours to handle: Playwright's own handlers would exit the process before cleanup.
    const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
    cleanups.push(() => browser.close());
    check();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const opened = await context.newPage();
    const consoleLog = path.join(opts.artifactsDir, 'browser-console.log');
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
      await opened.screenshot({ path: path.join(opts.artifactsDir, 'timeout.png') }).catch(() => undefined);
      copyLogs(profile.userDataDir, opts.artifactsDir);
      const why = signal.aborted ? 'interrupted' : `no result within ${Math.round(opts.timeoutMs / 1000)} s`;
      return { passed: 0, failed: 1, skipped: 0, failures: [{ title: 'integration run', message: why }], timedOut: true };
    }
    if (outcome.failed > 0) copyLogs(profile.userDataDir, opts.artifactsDir);
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
function copyLogs(userDataDir: string, artifactsDir: string): void {
  const logs = path.join(userDataDir, 'logs');
  if (fs.existsSync(logs)) fs.cpSync(logs, path.join(artifactsDir, 'vscode-logs'), { recursive: true });
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
