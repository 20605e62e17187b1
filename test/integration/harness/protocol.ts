// What the driver (outside VS Code) and the in-host test runner tell each other. No 'vscode' import here.

/** Written by the driver as `harness.json` into the test-driver extension; read by the in-host runner. */
export interface HarnessConfig {
  /** `http://127.0.0.1:PORT` of the browser driver; absent when no browser drives the window (desktop runs). */
  readonly driverUrl?: string;
  /** The bundled mocha test files (one CommonJS file). */
  readonly testsBundle: string;
  /** Absolute path of the checkout, to load mocha and run `dist/cli.js`. */
  readonly repoRoot: string;
  /** The workspace folder VS Code was opened on: a real git repository. */
  readonly workspace: string;
  /** Where screenshots and other test artifacts go. */
  readonly artifactsDir: string;
  /** Default per-test timeout (`TEST_TIMEOUT_MS`). */
  readonly timeoutMs: number;
  /** Only run tests whose full title matches this regular expression. */
  readonly grep?: string;
  /** Workspace trust is on and this window's workspace is untrusted (restricted mode): the `*.untrusted.test.ts` files. */
  readonly untrusted?: boolean;
  /** Untrusted windows: every git process started under code-server appends `<pid chain>\t<probe>\t<args>` here. */
  readonly gitLog?: string;
}

/**
 * Each test's and hook's timeout unless it sets its own, as in `.mocharc.jsonc`: real git repositories, Node processes
 * and a browser take many times as long when other work keeps both cores busy. It only ends a test that hangs; waits
 * in tests poll for their condition until shortly before it (`waitLimit()` in driver.ts).
 */
export const TEST_TIMEOUT_MS = 60_000;

/**
 * The global through which the in-host mocha runner tells the test files (a bundle of their own) when the running test
 * or hook times out: a `RunnableDeadline`.
 */
export const RUNNABLE_DEADLINE = Symbol.for('ai-provenance.integration.runnableDeadline');

/** When the running test or hook times out (`at`, ms since the epoch) and its whole timeout; undefined outside one or without a timeout. */
export type RunnableDeadline = () => { readonly at: number; readonly timeoutMs: number } | undefined;

/** Test files named so run in a second window whose workspace is untrusted. */
export const UNTRUSTED_SUFFIX = '.untrusted.test.ts';

export function isUntrustedTestFile(file: string): boolean {
  return file.endsWith(UNTRUSTED_SUFFIX);
}

/** Set by a test on a git call it makes itself, so it can tell the git log works (`gitCalls()` returns it as `probe`). */
export const GIT_PROBE_ENV = 'AI_PROVENANCE_IT_PROBE';

/** The environment variable through which test code finds `harness.json`. */
export const CONFIG_ENV = 'AI_PROVENANCE_IT_CONFIG';
/** Set in the extension host: the folder holding each extension's log folder (`<id>/<channel>.log`). */
export const LOGS_ENV = 'AI_PROVENANCE_IT_EXTHOST_LOGS';

export interface FailureReport {
  readonly title: string;
  readonly message: string;
}

export interface RunSummary {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failures: readonly FailureReport[];
}

/** Options of `driver.waitForSelector`, as Playwright takes them. */
export interface WaitOptions {
  readonly state?: 'attached' | 'detached' | 'visible' | 'hidden';
  readonly timeoutMs?: number;
}

/** The RPC calls the in-host code makes to the driver: `POST /rpc {method, args}` → `{result}` or `{error}`. */
export interface DriverCalls {
  press(key: string): void;
  type(text: string): void;
  click(selector: string, timeoutMs: number): void;
  hover(selector: string, timeoutMs: number): void;
  screenshot(name: string): string;
  /** `expression` is JavaScript evaluated in the workbench page; its (awaited) JSON-serialisable value is returned. */
  evaluate(expression: string): unknown;
  waitForSelector(selector: string, options: WaitOptions): number;
  /** A line of test output, printed by the driver as it arrives. */
  log(line: string): void;
  /** The end of the run. */
  done(summary: RunSummary): void;
  /** A named measurement (benchmarks). */
  report(name: string, value: number, unit: string): void;
  /** Runs the checkout's dist/cli.js in the workspace from the driver's process, outside VS Code. */
  cli(args: string[]): { code: number; stdout: string; stderr: string };
}

export type DriverMethod = keyof DriverCalls;

export interface RpcRequest<M extends DriverMethod = DriverMethod> {
  readonly method: M;
  readonly args: Parameters<DriverCalls[M]>;
}

export type RpcResponse = { readonly result: unknown } | { readonly error: string };

export const TEST_PUBLISHER = 'ai-provenance-test';
/** Extension id of the fake inline-completion provider; our extension maps extension ids to agents. */
export const FAKE_COPILOT_ID = `${TEST_PUBLISHER}.fake-copilot`;
export const TEST_DRIVER_ID = `${TEST_PUBLISHER}.test-driver`;
export const EXTENSION_ID = 'ai-provenance.ai-provenance';
