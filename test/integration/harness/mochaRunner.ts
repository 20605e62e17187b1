// Runs the bundled mocha tests inside the extension host and streams mocha's spec output line by line.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type MochaType from 'mocha';
import { RUNNABLE_DEADLINE, type FailureReport, type HarnessConfig, type RunnableDeadline, type RunSummary } from './protocol';

export async function runMocha(config: HarnessConfig, writeLine: (line: string) => void): Promise<RunSummary> {
  // mocha stays in the checkout's node_modules: its reporters are loaded by name and do not bundle well.
  const load = createRequire(path.join(config.repoRoot, 'package.json'));
  const Mocha = load('mocha') as typeof MochaType;
  const format = load('node:util').format as (...args: unknown[]) => string;
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => {
    for (const line of format(...args).split('\n')) writeLine(line);
  };

  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: config.timeoutMs, grep: config.grep });
  mocha.addFile(config.testsBundle);
  const failures: FailureReport[] = [];
  return new Promise<RunSummary>((resolve, reject) => {
    try {
      const runner = mocha.run(() => {
        const stats = runner.stats;
        resolve({
          passed: stats?.passes ?? 0,
          failed: stats?.failures ?? failures.length,
          skipped: stats?.pending ?? 0,
          failures,
        });
      });
      runner.on('fail', (test, err: unknown) => {
        failures.push({ title: test.fullTitle(), message: err instanceof Error ? err.message : String(err) });
      });
      shareDeadline(runner);
    } catch (err) {
      reject(err);
    }
  });
}

/**
 * Tells `waitLimit()` (driver.ts) when the running test or hook times out. A test's clock is taken when it begins, before
 * its `beforeEach` hooks run, so the deadline told is never later than mocha's own.
 */
function shareDeadline(runner: MochaType.Runner): void {
  const started = new WeakMap<MochaType.Runnable, number>();
  const begin = (r: MochaType.Runnable): void => void started.set(r, Date.now());
  runner.on('hook', begin);
  runner.on('test', begin);
  const deadline: RunnableDeadline = () => {
    const r = runner.currentRunnable;
    const start = r && started.get(r);
    const timeoutMs = r?.timeout() ?? 0;
    return start !== undefined && timeoutMs > 0 ? { at: start + timeoutMs, timeoutMs } : undefined;
  };
  (globalThis as { [RUNNABLE_DEADLINE]?: RunnableDeadline })[RUNNABLE_DEADLINE] = deadline;
}
