// Desktop runner: the same integration tests in a downloaded (or local) VS Code through @vscode/test-electron.
// Usage: npx tsx test/integration/harness/electron.ts [--grep REGEX] [--insiders]
// Set VSCODE_PATH to use an installed VS Code instead of downloading one. Needs network or VSCODE_PATH.
import { runTests } from '@vscode/test-electron';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { bundleTestExtensions, findTestFiles } from './bundle';
import { createGitWorkspace, createProfile } from './codeServer';
import { CONFIG_ENV, FAKE_COPILOT_ID, isUntrustedTestFile, TEST_DRIVER_ID, TEST_TIMEOUT_MS, type HarnessConfig } from './protocol';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { grep: { type: 'string' }, insiders: { type: 'boolean', default: false } } });
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  if (spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' }).status !== 0) return 1;

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-provenance-electron-'));
  try {
    const workspace = createGitWorkspace(path.join(tmp, 'workspace'), path.join(repoRoot, 'test', 'integration', 'fixtures', 'workspace'));
    const profile = createProfile(path.join(tmp, 'profile'));
    // The untrusted-window files need code-server's second window (run.ts); this window trusts its workspace.
    const files = findTestFiles(repoRoot).filter((f) => !isUntrustedTestFile(f));
    const bundles = await bundleTestExtensions(repoRoot, path.join(tmp, 'dev-extensions'), files);
    const artifactsDir = path.join(repoRoot, '.test-artifacts', 'integration-electron');
    fs.mkdirSync(artifactsDir, { recursive: true });
    // No driverUrl: there is no browser page; driver.press('Tab') falls back to the accept command.
    const config: HarnessConfig = { testsBundle: bundles.testsBundle, repoRoot, workspace, artifactsDir, timeoutMs: TEST_TIMEOUT_MS, grep: values.grep };
    const configPath = path.join(bundles.driverDir, 'harness.json');
    fs.writeFileSync(configPath, JSON.stringify(config, null, 2));

    await runTests({
      version: values.insiders ? 'insiders' : 'stable',
      vscodeExecutablePath: process.env.VSCODE_PATH,
      extensionDevelopmentPath: [repoRoot, bundles.fakeCopilotDir, bundles.driverDir],
      extensionTestsPath: path.join(bundles.driverDir, 'electronEntry.js'),
      extensionTestsEnv: { [CONFIG_ENV]: configPath },
      launchArgs: [
        workspace,
        '--user-data-dir', profile.userDataDir,
        '--extensions-dir', profile.extensionsDir,
        '--disable-workspace-trust',
        // Stable VS Code hands detailedReason only to extensions named here.
        `--enable-proposed-api=${TEST_DRIVER_ID}`,
        `--enable-proposed-api=ai-provenance.ai-provenance`,
        `--enable-proposed-api=${FAKE_COPILOT_ID}`,
      ],
    });
    return 0;
  } catch (err) {
    console.error(`integration (desktop): ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then((code) => (process.exitCode = code));
