// `npm test`: type-check, bundle, unit tests (plain Node), then the integration suite in a real VS Code.
// Ends with one line "N passed, N failed" summing every phase; exits 1 if anything failed or was skipped.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const args = new Set(process.argv.slice(2));
const only = ['--unit', '--integration'].find((a) => args.has(a));
const totals = { passed: 0, failed: 0, skipped: 0 };

function run(cmd, cmdArgs, opts = {}) {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'inherit'], ...opts });
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

function count(out, word) {
  const m = out.match(new RegExp(`^\\s*(\\d+) ${word}`, 'm'));
  return m ? Number(m[1]) : 0;
}

async function step(name, cmd, cmdArgs) {
  const r = await run(cmd, cmdArgs);
  if (r.code !== 0) {
    console.error(`\n${name} failed (exit ${r.code})`);
    totals.failed++;
  }
  return r;
}

async function mocha(name, cmdArgs) {
  const r = await run(process.execPath, ['node_modules/mocha/bin/mocha.js', ...cmdArgs]);
  const passed = count(r.out, 'passing');
  const failed = count(r.out, 'failing');
  const skipped = count(r.out, 'pending');
  totals.passed += passed;
  totals.failed += failed + (r.code !== 0 && failed === 0 ? 1 : 0);
  totals.skipped += skipped;
  if (passed === 0) {
    console.error(`\n${name}: no test ran`);
    totals.failed++;
  }
}

await step('type check', process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit']);
await step('build', process.execPath, ['scripts/build.mjs']);
if (only !== '--integration') {
  await mocha('unit tests', ['--require', 'tsx/cjs', '--recursive', 'test/unit/**/*.test.ts']);
}
if (only !== '--unit' && existsSync('scripts/integration.mjs')) {
  const r = await run(process.execPath, ['scripts/integration.mjs', '--no-build']);
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
if (totals.skipped) console.error(`${totals.skipped} test(s) skipped: nothing may be skipped`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed || totals.skipped ? 1 : 0);
