// Real user input for tests in the extension host: calls the browser driver over HTTP on 127.0.0.1.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { CONFIG_ENV, EXTENSION_ID, RUNNABLE_DEADLINE, TEST_TIMEOUT_MS, type DriverCalls, type DriverMethod, type HarnessConfig, type RpcResponse, type RunnableDeadline, type WaitOptions } from './protocol';

let cached: HarnessConfig | undefined;

/** The run's configuration: workspace, checkout, artifacts folder, driver URL. */
export function harnessConfig(): HarnessConfig {
  if (cached) return cached;
  const file = process.env[CONFIG_ENV];
  if (!file) throw new Error(`${CONFIG_ENV} is not set: run the tests through scripts/integration.mjs or the desktop runner`);
  cached = JSON.parse(fs.readFileSync(file, 'utf8')) as HarnessConfig;
  return cached;
}

async function call<M extends DriverMethod>(method: M, ...args: Parameters<DriverCalls[M]>): Promise<ReturnType<DriverCalls[M]>> {
  const url = harnessConfig().driverUrl;
  if (!url) throw new Error(`driver.${method}: no browser drives this window (desktop run)`);
  const res = await fetch(`${url}/rpc`, { method: 'POST', body: JSON.stringify({ method, args }) });
  const body = (await res.json()) as RpcResponse;
  if ('error' in body) throw new Error(`driver.${method}(${JSON.stringify(args[0])}): ${body.error}`);
  return body.result as ReturnType<DriverCalls[M]>;
}

export const driver = {
  /** True when a real browser is driving the window (code-server runs); false in desktop VS Code. */
  get available(): boolean {
    return harnessConfig().driverUrl !== undefined;
  },

  /** Presses a key or chord in the focused element, Playwright names: 'Tab', 'Enter', 'Control+Z', 'Shift+ArrowDown'. */
  async press(key: string): Promise<void> {
    if (!driver.available && key === 'Tab') {
      await pressTabInHost();
      return;
    }
    await call('press', key);
  },

  /** Types text key by key into the focused element, as a person would. */
  async type(text: string): Promise<void> {
    await call('type', text);
  },

  /** Clicks the first element matching a CSS selector, e.g. '.monaco-editor .view-lines' (moves the cursor there), once it can be clicked. */
  async click(selector: string, timeoutMs = waitLimit()): Promise<void> {
    await call('click', selector, timeoutMs);
  },

  /** Moves the mouse over the first element matching a CSS selector (shows its tooltip, as a person pointing at it). */
  async hover(selector: string, timeoutMs = waitLimit()): Promise<void> {
    await call('hover', selector, timeoutMs);
  },

  /** Saves a PNG of the whole window under .test-artifacts/integration/ and returns its absolute path. */
  async screenshot(name: string): Promise<string> {
    return call('screenshot', name);
  },

  /** Evaluates a function in the workbench page (the DOM), passing it one JSON value; returns its JSON result. */
  async evaluate<A, T>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T> {
    return (await call('evaluate', `(${fn.toString()})(${JSON.stringify(arg) ?? 'undefined'})`)) as T;
  },

  /** Waits until an element matching the selector reaches a state (default 'visible'); returns how many match. */
  async waitForSelector(selector: string, options: WaitOptions = {}): Promise<number> {
    return call('waitForSelector', selector, { ...options, timeoutMs: options.timeoutMs ?? waitLimit() });
  },

  /** Runs `ai-provenance` (the checkout's dist/cli.js) in the workspace from the driver's process, outside VS Code. */
  async cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return call('cli', args);
  },

  /** Records a named measurement; the driver prints it (used by benchmarks). */
  async report(name: string, value: number, unit: string): Promise<void> {
    await call('report', name, value, unit);
  },
};

interface Keybinding {
  readonly key?: string;
  readonly command?: string;
  readonly args?: unknown;
  readonly when?: string;
}

/**
 * Without a page to press keys in (desktop runs), Tab on an inline suggestion runs what its keybinding would: our
 * extension's `runCommands` chain while the `config.*` terms of its `when` clause hold, else VS Code's own accept.
 */
export async function pressTabInHost(): Promise<void> {
  const bindings = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes?: { keybindings?: Keybinding[] } } | undefined)?.contributes?.keybindings ?? [];
  const ours = bindings.find((b) => b.key === 'tab' && b.command === 'runCommands' && JSON.stringify(b.args).includes('"editor.action.inlineSuggest.commit"'));
  // Other terms (editor focus, ghost text visible) hold whenever a test presses Tab to accept; settings are the ones tests change.
  const settingsOn = [...(ours?.when ?? '').matchAll(/(!?)\bconfig\.([\w.-]+)/g)].every(([, not, key]) => Boolean(vscode.workspace.getConfiguration().get(key)) !== (not === '!'));
  if (ours && settingsOn) await vscode.commands.executeCommand('runCommands', ours.args);
  else await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
}

/**
 * How long a wait may take unless told: until shortly before the running test (or hook) times out, so that a wait ends
 * only a hang, never a slow machine, and its error names what it waited for.
 */
function waitLimit(): number {
  const current = (globalThis as { [RUNNABLE_DEADLINE]?: RunnableDeadline })[RUNNABLE_DEADLINE]?.();
  if (!current) return TEST_TIMEOUT_MS;
  // At least 1 ms: Playwright takes 0 for no limit at all.
  return Math.max(1, current.at - Math.min(5_000, current.timeoutMs / 10) - Date.now());
}

/**
 * Polls until `probe` returns something other than undefined, null or false (a thrown error also means "not yet"), then returns it.
 * Use it instead of fixed sleeps: VS Code applies edits, decorations and events asynchronously. By default it polls
 * until shortly before the test times out (`waitLimit()`).
 */
export async function waitFor<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = waitLimit()): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Reads a value until `settled` accepts it, and returns it: for what the page or the extension shows a while later.
 * On timeout the error also names the value last read.
 */
export async function waitUntil<T>(read: () => T | Promise<T>, settled: (value: T) => boolean, what: string, timeoutMs = waitLimit()): Promise<T> {
  let last: { value: T } | undefined;
  try {
    const found = await waitFor(
      async () => {
        last = { value: await read() };
        return settled(last.value) && last;
      },
      what,
      timeoutMs,
    );
    return found.value;
  } catch (err) {
    throw new Error(`${(err as Error).message}: ${last ? `last read ${JSON.stringify(last.value)}` : 'nothing was read'}`);
  }
}
