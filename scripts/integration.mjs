// The integration suite in a real VS Code: code-server 4.139.1 (VS Code 1.139) driven by headless Chromium.
// Usage: node scripts/integration.mjs [--grep REGEX] [--keep] [--no-build] [--vsix FILE] [test/integration/x.test.ts ...]
// Our extension is installed from a .vsix with code-server's --install-extension, as users install it: FILE, or one
// packaged by scripts/package.mjs into out/integration/ first. Installs the Debian packages it needs when it may.
// Prints mocha's spec output, then exactly one line "integration: N passed, N failed, N skipped".
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { packageVsix } from './package.mjs';
import { ensurePackages } from './system-packages.mjs';
import { ensureCodeServer } from './vscode-cache.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Only ends a run that hangs: on a loaded machine the suite takes several times its 2-3 minutes.
const HARD_TIMEOUT_MS = 20 * 60_000;

/** Loads test/integration/harness/driverSide.ts (TypeScript) by bundling it; dependencies stay in node_modules. */
export async function loadDriverSide() {
  // Inside the checkout (out/ is ignored by git) so that the bundle's requires find node_modules.
  mkdirSync(join(repoRoot, 'out'), { recursive: true });
  const dir = mkdtempSync(join(repoRoot, 'out', 'driver-side-'));
  try {
    const outfile = join(dir, 'driver-side.cjs');
    await esbuild.build({
      entryPoints: [join(repoRoot, 'test', 'integration', 'harness', 'driverSide.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: 'external',
      logLevel: 'warning',
      outfile,
    });
    return createRequire(join(repoRoot, 'package.json'))(outfile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs scripts/build.mjs (dist/extension.js, dist/cli.js); returns false if it failed. */
export function buildExtension() {
  return spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' }).status === 0;
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) await main();

async function main() {
  const { values, positionals } = parseArgs({
    options: {
      grep: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      vsix: { type: 'string' },
      timeout: { type: 'string', default: String(HARD_TIMEOUT_MS / 1000) },
    },
    allowPositionals: true,
  });

  function result(passed, failed, skipped) {
    console.log(`integration: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }

  function fail(message) {
    console.error(`integration: ${message}`);
    result(0, 1, 0);
    process.exit(1);
  }

  const controller = new AbortController();
  let interrupted = false;
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      console.error(`integration: ${sig}, stopping code-server and the browser`);
      controller.abort();
    });
  }
  const timeoutMs = Number(values.timeout) * 1000;
  if (!(timeoutMs > 0)) fail(`--timeout ${values.timeout}: expected a number of seconds`);
  const missing = ensurePackages(['integration'], { who: 'the integration tests' });
  if (missing) fail(missing);
  if (!values['no-build'] && !buildExtension()) fail('the extension bundle did not build (scripts/build.mjs)');
  let vsix = values.vsix && resolve(values.vsix);
  if (vsix && !existsSync(vsix)) fail(`--vsix ${values.vsix}: no such file`);
  try {
    vsix ??= packageVsix({ out: join(repoRoot, 'out', 'integration', 'ai-provenance.vsix'), build: false, quiet: true });
  } catch (err) {
    fail(err.message);
  }
  const { CHROMIUM, findTestFiles, runIntegration } = await loadDriverSide().catch((err) => fail(`the harness did not load: ${err.message}`));
  if (!existsSync(CHROMIUM)) fail(`${CHROMIUM} not found: apt-get install chromium (or set CHROMIUM_PATH)`);

  let install;
  try {
    install = await ensureCodeServer();
  } catch (err) {
    fail(err.message);
  }

  // Last resort if stopping itself hangs: CI must never wait forever. From here: the first build of code-server
  // above takes minutes once and is not part of the run.
  setTimeout(() => fail(`still running ${Math.round(timeoutMs / 1000) + 60} s after start; giving up`), timeoutMs + 60_000).unref();
  const testFiles = positionals.length ? positionals.map((f) => resolve(f)) : findTestFiles(repoRoot);
  const started = Date.now();
  try {
    const r = await runIntegration(
      {
        repoRoot,
        install,
        testFiles,
        vsix,
        artifactsDir: join(repoRoot, '.test-artifacts', 'integration'),
        timeoutMs,
        grep: values.grep,
        keep: values.keep,
        write: (line) => console.log(line),
      },
      controller.signal,
    );
    for (const f of r.timedOut ? r.failures : []) console.error(`integration: ${f.title}: ${f.message}`);
    console.error(`integration: finished in ${Math.round((Date.now() - started) / 1000)} s (logs and screenshots in .test-artifacts/integration/)`);
    result(r.passed, r.failed, r.skipped);
    process.exit(interrupted ? 130 : r.failed > 0 ? 1 : 0);
  } catch (err) {
    fail(err instanceof Error ? (err.stack ?? err.message) : String(err));
  }
}
