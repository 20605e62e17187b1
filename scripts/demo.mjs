// `npm run demo`: a real VS Code (cached code-server) with AI Provenance installed, on a generated demo repository.
// Usage: node scripts/demo.mjs [--port 8080] [--keep]   then open the printed URL; Ctrl-C stops and cleans up.
// Installs the Debian packages the first build of code-server needs when it may (scripts/system-packages.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildExtension, loadDriverSide, repoRoot } from './integration.mjs';
import { ensurePackages } from './system-packages.mjs';
import { ensureCodeServer } from './vscode-cache.mjs';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, keep: { type: 'boolean', default: false } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`demo: --port ${values.port}: expected a port number`);
  process.exit(2);
}

const FILES = {
  '.ai-provenance.json': `{
  // Paths that can take production down: AI lines there need a reviewer's sign-off.
  "critical": [
    { "paths": ["infra/**", "**/*.tf"], "reason": "Production infrastructure", "level": "block", "reviewers": [] },
    { "paths": ["billing/"], "reason": "Money moves here", "level": "warn" }
  ],
  "trailers": { "assistedBy": true, "lineCounts": true, "coAuthoredBy": false },
  "ignore": ["dist/**"]
}
`,
  'README.md': '# Demo shop\n\nA tiny project to try AI Provenance on. Open `billing/charge.ts` and `src/cart.ts`.\n',
  'src/cart.ts': `export interface Item {
  readonly sku: string;
  readonly price: number;
  readonly quantity: number;
}

export function total(items: readonly Item[]): number {
  let sum = 0;
  for (const item of items) sum += item.price * item.quantity;
  return sum;
}
`,
  'billing/charge.ts': `import { total, type Item } from '../src/cart';

export interface Charge {
  readonly amount: number;
  readonly currency: string;
}

export function charge(items: readonly Item[], currency = 'EUR'): Charge {
  const amount = Math.round(total(items) * 100) / 100;
  if (amount <= 0) throw new Error('nothing to charge');
  return { amount, currency };
}
`,
  'infra/main.tf': `resource "null_resource" "shop" {
  triggers = {
    version = "1"
  }
}
`,
};

function git(cwd, ...args) {
  execFileSync('git', args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Runs our CLI in the demo repository; returns whether it succeeded. */
function cli(cwd, ...args) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) console.error(`demo: ai-provenance ${args.join(' ')}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
  return r.status === 0;
}

function createDemoRepo(dir, createGitWorkspace) {
  for (const [file, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  const repo = createGitWorkspace(dir);
  const hooks = cli(repo, 'install');
  // AI history: an agent's edit to a critical file, committed (trailers + note), and a pending Copilot edit.
  writeFileSync(
    join(repo, 'billing', 'charge.ts'),
    FILES['billing/charge.ts'] +
      `
/** Refunds part of a charge; never more than was charged. */
export function refund(original: Charge, amount: number): Charge {
  if (amount > original.amount) throw new Error('refund exceeds charge');
  return { amount: -amount, currency: original.currency };
}
`,
  );
  const recorded = cli(repo, 'record', '--agent', 'claude-code', '--model', 'anthropic/claude-opus-4-5', 'billing/charge.ts:14-18');
  git(repo, 'add', '-A');
  // Through the hooks, so the commit gets its trailers and its note (billing/ is 'warn', so nothing blocks).
  git(repo, 'commit', '-q', '-m', 'Add refunds');
  writeFileSync(join(repo, 'src', 'cart.ts'), FILES['src/cart.ts'] + '\nexport function isEmpty(items: readonly Item[]): boolean {\n  return items.length === 0;\n}\n');
  cli(repo, 'record', '--agent', 'copilot', 'src/cart.ts:13-15');
  return { repo, hooks, recorded };
}

const cleanups = [];
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const c of cleanups.reverse()) await Promise.resolve().then(c).catch(() => undefined);
  process.exit(code);
}
process.on('SIGINT', () => {
  console.log('\ndemo: stopping');
  void stop(0);
});
process.on('SIGTERM', () => void stop(0));

const missing = ensurePackages(['demo'], { who: 'npm run demo' });
if (missing) {
  console.error(missing);
  process.exit(1);
}
if (!buildExtension()) {
  console.error('demo: the extension did not build (scripts/build.mjs)');
  process.exit(1);
}
const install = await ensureCodeServer();
const { createGitWorkspace, createProfile, installOurExtension, startCodeServer } = await loadDriverSide();

const tmp = mkdtempSync(join(tmpdir(), 'ai-provenance-demo-'));
if (!values.keep) cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
try {
  const { repo, hooks, recorded } = createDemoRepo(join(tmp, 'demo-shop'), createGitWorkspace);
  const profile = createProfile(join(tmp, 'profile'), { 'workbench.colorTheme': 'Default Dark Modern' });
  installOurExtension(repoRoot, profile.extensionsDir);
  const server = await startCodeServer({ install, profile, port, logFile: join(tmp, 'code-server.log') });
  cleanups.push(() => server.stop());
  console.log(`
AI Provenance demo — VS Code ${install.vscodeVersion} (code-server ${install.codeServerVersion})
  repository:  ${repo}${hooks ? ' (git hooks installed)' : ''}${recorded ? '' : ' (no AI history: ai-provenance record failed)'}
  open:        ${server.folderUrl(repo)}
  server log:  ${join(tmp, 'code-server.log')}
Press Ctrl-C to stop${values.keep ? '' : ' and remove the demo folder'}.`);
} catch (err) {
  console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
  // The log lives in the folder about to be removed: show its end (e.g. "address already in use").
  const log = join(tmp, 'code-server.log');
  if (existsSync(log)) console.error(readFileSync(log, 'utf8').trim().split('\n').slice(-5).join('\n'));
  await stop(1);
}
