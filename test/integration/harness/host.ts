// Main of the test-driver extension in code-server: runs mocha in the extension host and reports to the driver.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { runMocha } from './mochaRunner';
import { CONFIG_ENV, LOGS_ENV, type HarnessConfig, type RpcRequest, type DriverMethod } from './protocol';

async function post<M extends DriverMethod>(url: string, method: M, args: RpcRequest<M>['args']): Promise<void> {
  const res = await fetch(`${url}/rpc`, { method: 'POST', body: JSON.stringify({ method, args }) });
  await res.text();
}

export function activate(context: vscode.ExtensionContext): void {
  const configPath = path.join(context.extensionPath, 'harness.json');
  const config = JSON.parse(fs.readFileSync(configPath, 'utf8')) as HarnessConfig;
  process.env[CONFIG_ENV] = configPath;
  process.env[LOGS_ENV] = path.dirname(context.logUri.fsPath);
  const url = config.driverUrl;
  if (!url) return;
  // Log lines are sent in order through one chain so the driver prints mocha's output as written.
  let chain: Promise<void> = Promise.resolve();
  const send = (line: string): void => {
    chain = chain.then(() => post(url, 'log', [line])).catch(() => undefined);
  };
  // Started after activate() returns so that this extension's activation does not hold up the window.
  setTimeout(() => {
    runMocha(config, send)
      .catch((err: unknown) => {
        send(`test run crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return { passed: 0, failed: 1, skipped: 0, failures: [{ title: 'test run', message: String(err) }] };
      })
      .then(async (summary) => {
        await chain;
        await post(url, 'done', [summary]);
      })
      .catch(() => undefined);
  }, 0);
}

export function deactivate(): void {}
