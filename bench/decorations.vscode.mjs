// Runs bench/decorations.vscode.bench.ts inside code-server through the integration harness and prints its figures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildExtension, loadDriverSide, repoRoot } from '../scripts/integration.mjs';
import { ensureCodeServer } from '../scripts/vscode-cache.mjs';

if (!buildExtension()) process.exit(1);
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const ours = JSON.parse(readFileSync(join(repoRoot, 'src', 'extension', 'contributes.json'), 'utf8'));
// Until package.json carries the extension's contributions, install it with them merged in.
const manifest = pkg.contributes?.commands ? undefined : { activationEvents: ours.activationEvents, contributes: { ...pkg.contributes, ...ours.contributes } };
const { runIntegration } = await loadDriverSide();
const r = await runIntegration(
  {
    repoRoot,
    install: await ensureCodeServer(),
    testFiles: [join(repoRoot, 'bench', 'decorations.vscode.bench.ts')],
    artifactsDir: join(repoRoot, '.test-artifacts', 'bench'),
    timeoutMs: 5 * 60_000,
    testTimeoutMs: 240_000,
    manifest,
    write: (line) => console.log(line),
    onReport: (name, value, unit) => console.log(`${name}: ${value.toFixed(2)} ${unit}`),
  },
  new AbortController().signal,
);
process.exit(r.failed ? 1 : 0);
