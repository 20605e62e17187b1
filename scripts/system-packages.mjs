// The Debian packages the project's own commands need (npm test, npm run demo, the icon), installed when this
// process may (root, or sudo without a password), else one line that names the exact command; used by test.mjs,
// demo.mjs, icon.mjs and .ci/run, so there is one list and one way to install it.
// Usage: node scripts/system-packages.mjs [--dry-run] GROUP...   (groups: unit, integration, demo, icon)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Debian package names per thing to run. */
export const GROUPS = {
  // Real git repositories in every git test; shellcheck reads the hook scripts.
  unit: ['git', 'shellcheck'],
  // Headless Chromium drives the real VS Code; the rest builds code-server's native modules (scripts/vscode-cache.mjs).
  integration: ['chromium', 'libkrb5-dev', 'build-essential', 'python3'],
  demo: ['git', 'libkrb5-dev', 'build-essential', 'python3'],
  // rsvg-convert renders media/icon.svg to the PNG the Marketplace needs (scripts/icon.mjs).
  icon: ['librsvg2-bin'],
};

/**
 * The packages `groups` need, in a stable order, without duplicates. A CHROMIUM_PATH that exists stands in for
 * Debian's chromium (the integration harness starts that browser instead).
 */
export function packagesFor(groups, env = process.env) {
  const names = [];
  for (const g of groups) {
    if (!Object.hasOwn(GROUPS, g)) throw new Error(`unknown package group '${g}' (expected one of ${Object.keys(GROUPS).join(', ')})`);
    for (const p of GROUPS[g]) if (!names.includes(p)) names.push(p);
  }
  return env.CHROMIUM_PATH && existsSync(env.CHROMIUM_PATH) ? names.filter((p) => p !== 'chromium') : names;
}

/**
 * What to do about `missing` packages: nothing, the commands to run, or the one line to stop with.
 * @param {readonly string[]} missing
 * @param {{ root: boolean, sudo: boolean, apt: boolean, who: string }} can  who: the command that needs them (for the message)
 * @returns {{ run: string[][] } | { stop: string }}
 */
export function planInstall(missing, can) {
  if (missing.length === 0) return { run: [] };
  const install = ['apt-get', 'install', '-y', '--no-install-recommends', ...missing];
  if (!can.apt) return { stop: `${can.who} needs ${missing.join(', ')} (Debian package names); install them with your system's package manager` };
  if (!can.root && !can.sudo) return { stop: `${can.who} needs the Debian packages ${missing.join(' ')}: run  sudo apt-get update && sudo ${install.join(' ')}` };
  // A fresh container has no package lists yet; the lock timeout waits for another run's apt-get instead of failing.
  const commands = [
    ['apt-get', 'update', '-o', 'DPkg::Lock::Timeout=300'],
    ['apt-get', 'install', '-o', 'DPkg::Lock::Timeout=300', ...install.slice(2)],
  ];
  return { run: can.root ? commands : commands.map((c) => ['sudo', '-n', ...c]) };
}

/** Which of `names` dpkg does not list as installed (all of them when dpkg-query is not there). */
export function missingPackages(names) {
  if (names.length === 0) return [];
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\\n', ...names], { encoding: 'utf8' });
  if (r.error) return [...names];
  const installed = new Set(
    r.stdout
      .split('\n')
      .filter((l) => / install ok installed$/.test(l))
      .map((l) => l.split(' ')[0].split(':')[0]),
  );
  return names.filter((n) => !installed.has(n));
}

function succeeds(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** What this process may do: root, sudo without a password, and whether apt-get is there at all. */
export function capabilities(who) {
  return {
    root: process.getuid?.() === 0,
    sudo: process.getuid?.() !== 0 && succeeds('sudo', ['-n', 'true']),
    apt: succeeds('apt-get', ['--version']),
    who,
  };
}

/**
 * Makes sure the packages of `groups` are installed, printing what it installs. Returns undefined when they are
 * (or were just) installed, else the one line to stop with.
 * @param {readonly string[]} groups
 * @param {{ who: string, dryRun?: boolean, log?: (line: string) => void }} opts
 */
export function ensurePackages(groups, opts) {
  const log = opts.log ?? ((l) => console.error(l));
  const missing = missingPackages(packagesFor(groups));
  const plan = planInstall(missing, capabilities(opts.who));
  if ('stop' in plan) return plan.stop;
  if (plan.run.length === 0) return undefined;
  log(`system packages: ${opts.dryRun ? 'would install' : 'installing'} ${missing.join(' ')} for ${opts.who}`);
  for (const cmd of plan.run) {
    log(`  ${opts.dryRun ? 'would run' : '$'} ${cmd.join(' ')}`);
    if (opts.dryRun) continue;
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 2, 2], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.error || r.status !== 0) return `system packages: '${cmd.join(' ')}' failed (${r.error?.message ?? `exit ${r.status}`})`;
  }
  if (opts.dryRun) return undefined;
  const still = missingPackages(missing);
  return still.length ? `system packages: ${still.join(' ')} still not installed after apt-get install` : undefined;
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  const groups = args.filter((a) => a !== '--dry-run');
  try {
    if (groups.length === 0) throw new Error(`name at least one group: ${Object.keys(GROUPS).join(', ')}`);
    const stop = ensurePackages(groups, { who: groups.join(' + '), dryRun });
    if (stop) {
      console.error(stop);
      process.exitCode = 1;
    }
  } catch (err) {
    console.error(`system-packages: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  }
}
