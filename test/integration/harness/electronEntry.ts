// `extensionTestsPath` for desktop VS Code (@vscode/test-electron): the same mocha files, output to the console.
import { runMocha } from './mochaRunner';
import { CONFIG_ENV, type HarnessConfig } from './protocol';
import * as fs from 'node:fs';

export async function run(): Promise<void> {
  const file = process.env[CONFIG_ENV];
  if (!file) throw new Error(`${CONFIG_ENV} is not set: start desktop runs with test/integration/harness/electron.ts`);
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as HarnessConfig;
  const summary = await runMocha(config, (line) => console.log(line));
  console.log(`integration: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
  if (summary.failed > 0) throw new Error(`${summary.failed} integration test(s) failed`);
}
