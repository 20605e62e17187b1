// Runs bench/decorations.vscode.bench.ts inside code-server through the integration harness and prints its figures.
import { join } from 'node:path';
import { buildExtension, loadDriverSide, repoRoot } from '../scripts/integration.mjs';
import { ensureCodeServer } from '../scripts/vscode-cache.mjs';

if (!buildExtension()) process.exit(1);
const { runIntegration } = await loadDriverSide();
const r = await runIntegration(
  {
    repoRoot,
    install: await ensureCodeServer(),
    testFiles: [join(repoRoot, 'bench', 'decorations.vscode.bench.ts')],
    artifactsDir: join(repoRoot, '.test-artifacts', 'bench'),
    timeoutMs: 5 * 60_000,
    testTimeoutMs: 240_000,
    write: (line) => console.log(line),
    onReport: (name, value, unit) => console.log(`${name}: ${value.toFixed(2)} ${unit}`),
  },
  new AbortController().signal,
);
process.exit(r.failed ? 1 : 0);
