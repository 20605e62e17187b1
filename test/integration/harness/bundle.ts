// Bundles what runs inside VS Code: the test-driver extension, the mocha test files, the fake Copilot.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEST_PUBLISHER } from './protocol';


const common: esbuild.BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
  // mocha is loaded from the checkout at run time (see mochaRunner.ts).
  external: ['vscode', 'mocha'],
};

export interface BundledExtensions {
  /** Folder of the test-driver extension; its `tests.js` holds every test file. */
  readonly driverDir: string;
  readonly testsBundle: string;
  readonly fakeCopilotDir: string;
}

/** The test files: `test/integration/*.test.ts` by default. */
export function findTestFiles(repoRoot: string): string[] {
  const dir = path.join(repoRoot, 'test', 'integration');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Writes `<extensionsDir>/ai-provenance-test.test-driver-0.0.1/` and `…fake-copilot-0.0.1/`. */
export async function bundleTestExtensions(repoRoot: string, extensionsDir: string, testFiles: readonly string[]): Promise<BundledExtensions> {
  const HARNESS = path.join(repoRoot, 'test', 'integration', 'harness');
  const FIXTURES = path.join(repoRoot, 'test', 'integration', 'fixtures');
  if (testFiles.length === 0) throw new Error('no integration test files to run');
  const driverDir = path.join(extensionsDir, `${TEST_PUBLISHER}.test-driver-0.0.1`);
  const fakeCopilotDir = path.join(extensionsDir, `${TEST_PUBLISHER}.fake-copilot-0.0.1`);
  fs.mkdirSync(driverDir, { recursive: true });
  fs.mkdirSync(fakeCopilotDir, { recursive: true });
  const testsBundle = path.join(driverDir, 'tests.js');
  const entry = testFiles.map((f) => `require(${JSON.stringify(f)});`).join('\n');
  await Promise.all([
    esbuild.build({ ...common, entryPoints: [path.join(HARNESS, 'host.ts')], outfile: path.join(driverDir, 'host.js') }),
    esbuild.build({ ...common, entryPoints: [path.join(HARNESS, 'electronEntry.ts')], outfile: path.join(driverDir, 'electronEntry.js') }),
    // Bundled inside the driver extension's folder so that `require('vscode')` in tests resolves to that extension's API.
    esbuild.build({ ...common, stdin: { contents: entry, resolveDir: HARNESS, sourcefile: 'integration-tests.js', loader: 'js' }, outfile: testsBundle }),
    esbuild.build({ ...common, entryPoints: [path.join(FIXTURES, 'fake-copilot', 'src', 'extension.ts')], outfile: path.join(fakeCopilotDir, 'extension.js') }),
  ]);
  fs.copyFileSync(path.join(FIXTURES, 'fake-copilot', 'package.json'), path.join(fakeCopilotDir, 'package.json'));
  const manifest = {
    name: 'test-driver',
    displayName: 'AI Provenance integration test driver',
    version: '0.0.1',
    publisher: TEST_PUBLISHER,
    private: true,
    engines: { vscode: '^1.85.0' },
    main: './host.js',
    activationEvents: ['onStartupFinished'],
    enabledApiProposals: ['textDocumentChangeReason'],
    // The tests must also run in the untrusted window (*.untrusted.test.ts), where undeclared extensions stay off.
    capabilities: { untrustedWorkspaces: { supported: true } },
  };
  fs.writeFileSync(path.join(driverDir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  return { driverDir, testsBundle, fakeCopilotDir };
}
