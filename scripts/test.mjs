// `npm test`: every test, cheapest first.
//   1. the Debian packages the tests need (installed when this process may, else one line naming the command)
//   2. the layering of src/ (scripts/layers.mjs: extension, cli → agents → git → core) and the pure tests
//      (test/unit/core, no git, no processes): seconds; a failure there ends the run at once
//   3. type check, 4. bundle (dist/, once for the whole run), 5. the .vsix (once, for 6 and 7)
//   6. the other unit and git tests, 7. the accuracy corpus (test/accuracy: fails below 100% precision or 99% recall),
//   8. the integration suite in a real VS Code, which installs that .vsix
// Ends with the time of each phase and one line "N passed, N failed" summing every phase; exits 1 if anything failed
// or was skipped. `--unit` leaves out 8, `--integration` leaves out 2, 6 and 7.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageVsix } from './package.mjs';
import { ensurePackages } from './system-packages.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const args = new Set(process.argv.slice(2));
const only = ['--unit', '--integration'].find((a) => args.has(a));
const totals = { passed: 0, failed: 0, skipped: 0 };
const phases = [];

function run(cmd, cmdArgs, env = {}) {
  return new Promise((resolvePromise) => {
    let out = '';
    const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('close', (code) => resolvePromise({ code: code ?? 1, out }));
  });
}

async function timed(name, fn) {
  const started = Date.now();
  try {
    return await fn();
  } finally {
    phases.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

function count(out, word) {
  const m = out.match(new RegExp(`^\\s*(\\d+) ${word}`, 'm'));
  return m ? Number(m[1]) : 0;
}

function finish() {
  console.log(`\ntime: ${phases.join(', ')}`);
  if (totals.skipped) console.error(`${totals.skipped} test(s) skipped: nothing may be skipped`);
  console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
  process.exit(totals.failed || totals.skipped ? 1 : 0);
}

/** A step that is not a test run; false (counted as one failure) when it failed. */
async function step(name, cmd, cmdArgs) {
  const r = await timed(name, () => run(cmd, cmdArgs));
  if (r.code === 0) return true;
  console.error(`\n${name} failed (exit ${r.code})`);
  totals.failed++;
  return false;
}

/** Runs mocha (with .mocharc.jsonc) on `files`; returns whether everything passed. */
async function mocha(name, files, env) {
  const r = await timed(name, () => run(process.execPath, ['node_modules/mocha/bin/mocha.js', ...files], env));
  const passed = count(r.out, 'passing');
  const failed = count(r.out, 'failing');
  totals.passed += passed;
  totals.failed += failed + (r.code !== 0 && failed === 0 ? 1 : 0);
  totals.skipped += count(r.out, 'pending');
  if (passed === 0) {
    console.error(`\n${name}: no test ran`);
    totals.failed++;
    return false;
  }
  return r.code === 0;
}

/** The unit and git test files, split into the pure tier (src/core is pure; its *.git.test.ts run git) and the rest. */
function unitTests() {
  const all = readdirSync('test/unit', { recursive: true })
    .map((f) => join('test/unit', String(f)).split('\\').join('/'))
    .filter((f) => f.endsWith('.test.ts'))
    .sort();
  const pure = all.filter((f) => f.startsWith('test/unit/core/') && !f.endsWith('.git.test.ts'));
  return { pure, rest: all.filter((f) => !pure.includes(f)) };
}

const missing = await timed('system packages', () =>
  ensurePackages(only === '--unit' ? ['unit'] : only === '--integration' ? ['integration'] : ['unit', 'integration'], { who: 'npm test' }),
);
if (missing) {
  console.error(missing);
  process.exit(1);
}

const tiers = unitTests();
if (only !== '--integration' && !(await step('layers', process.execPath, ['scripts/layers.mjs']))) {
  console.error('\nan import breaks the layering of src/: stopping before the slower phases');
  finish();
}
if (only !== '--integration' && !(await mocha('pure tests', tiers.pure))) {
  console.error('\nthe pure tests failed: stopping before the slower phases');
  finish();
}
await step('type check', process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit']);
if (!(await step('build', process.execPath, ['scripts/build.mjs']))) finish();

let vsix;
try {
  vsix = await timed('package', () => packageVsix({ out: join(root, 'out', 'test', 'ai-provenance.vsix'), build: false, quiet: true }));
} catch (err) {
  console.error(`\npackage: ${err instanceof Error ? err.message : String(err)}`);
  totals.failed++;
  finish();
}
// The tests use this run's dist/ and .vsix instead of making their own.
const built = { AI_PROVENANCE_TEST_BUILT: join(root, 'dist'), AI_PROVENANCE_TEST_VSIX: vsix };

if (only !== '--integration') await mocha('unit and git tests', tiers.rest, built);
if (only !== '--integration') await mocha('accuracy corpus', ['test/accuracy/score.test.ts', 'test/accuracy/accuracy.test.ts'], built);
if (only !== '--unit') {
  const r = await timed('integration', () => run(process.execPath, ['scripts/integration.mjs', '--no-build', '--vsix', vsix]));
  const m = r.out.match(/^integration: (\d+) passed, (\d+) failed, (\d+) skipped$/m);
  if (!m) {
    console.error('\nintegration suite reported no result');
    totals.failed++;
  } else {
    totals.passed += Number(m[1]);
    totals.failed += Number(m[2]) + (r.code !== 0 && Number(m[2]) === 0 ? 1 : 0);
    totals.skipped += Number(m[3]);
  }
}
finish();
