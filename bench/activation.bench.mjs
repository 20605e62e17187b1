// Activation benchmark in the real VS Code (code-server 4.139.1): activate() time and bundle size.
// Usage: node bench/activation.bench.mjs [--runs 3]
// Each run is a fresh window; our extension is installed without activation events so the benchmark activates it.
import * as esbuild from 'esbuild';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildExtension, loadDriverSide, repoRoot } from '../scripts/integration.mjs';
import { ensureCodeServer } from '../scripts/vscode-cache.mjs';

const GOAL_ACTIVATE_MS = 25;
const GOAL_BUNDLE_KB = 250;

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`activation bench: --runs ${values.runs}: expected a positive whole number`);
  process.exit(2);
}

async function minifiedSize() {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  // The options of `scripts/build.mjs --production`, written to memory so dist/ is left alone.
  const r = await esbuild.build({
    entryPoints: [join(repoRoot, 'src', 'extension', 'extension.ts')],
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    external: ['vscode'],
    define: { VERSION: JSON.stringify(pkg.version) },
    write: false,
    logLevel: 'warning',
  });
  return r.outputFiles[0].contents.length;
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor((s.length - 1) / 2)], min: s[0], max: s[s.length - 1] };
}

const fmt = (n) => n.toFixed(1);

/** Our manifest without activation events, so the benchmark decides when activation happens. */
function benchManifest() {
  return { activationEvents: [] };
}

if (!buildExtension()) process.exit(1);
const install = await ensureCodeServer();
const { runIntegration } = await loadDriverSide();
const controller = new AbortController();
process.on('SIGINT', () => controller.abort());
process.on('SIGTERM', () => controller.abort());

const loadAndActivate = [];
const activate = [];
for (let i = 0; i < runs && !controller.signal.aborted; i++) {
  const output = [];
  const r = await runIntegration(
    {
      repoRoot,
      install,
      testFiles: [join(repoRoot, 'bench', 'activation.bench.host.ts')],
      artifactsDir: join(repoRoot, '.test-artifacts', 'bench-activation'),
      timeoutMs: 180_000,
      manifest: benchManifest(),
      write: (line) => output.push(line),
      onReport: (name, value) => (name === 'activate()' ? activate : loadAndActivate).push(value),
    },
    controller.signal,
  );
  if (r.failed > 0) {
    console.error(output.join('\n'));
    console.error(`activation bench: run ${i + 1} failed`);
    process.exit(1);
  }
}

const devSize = statSync(join(repoRoot, 'dist', 'extension.js')).size;
const minSize = await minifiedSize();
const row = (name, value, goal) => console.log(`${name.padEnd(44)} ${value.padStart(24)}   ${goal}`);
console.log(`\nactivation in VS Code ${install.vscodeVersion} (code-server ${install.codeServerVersion}, Node ${install.nodeVersion}), ${runs} fresh window(s)`);
const a = stats(activate);
// The extension logs `activated in N ms`: the time spent inside activate() itself.
row('activate() (extension log), median [min-max]', `${fmt(a.median)} ms [${fmt(a.min)}-${fmt(a.max)}]`, `goal < ${GOAL_ACTIVATE_MS} ms${a.median < GOAL_ACTIVATE_MS ? '' : '  MISSED'}`);
const l = stats(loadAndActivate);
row('load + activate() (extension host), median', `${fmt(l.median)} ms [${fmt(l.min)}-${fmt(l.max)}]`, '');
row('dist/extension.js (development build)', `${(devSize / 1024).toFixed(1)} KB`, '');
row('dist/extension.js (minified, --production)', `${(minSize / 1024).toFixed(1)} KB`, `goal < ${GOAL_BUNDLE_KB} KB${minSize / 1024 < GOAL_BUNDLE_KB ? '' : '  MISSED'}`);
