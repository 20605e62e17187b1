// scripts/system-packages.mjs: which Debian packages the project's commands install, and how. The decision is
// tested directly; the script itself runs as a real process against stand-ins for dpkg-query, apt-get and sudo
// first on PATH, because a test must not install or remove real packages on a machine others are using.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(__dirname, '../../..');
const SCRIPT = path.join(ROOT, 'scripts', 'system-packages.mjs');

type Plan = { run: string[][] } | { stop: string };
interface SystemPackages {
  packagesFor(groups: string[], env: NodeJS.ProcessEnv): string[];
  planInstall(missing: string[], can: { root: boolean; sudo: boolean; apt: boolean; who: string }): Plan;
}

describe('system packages', () => {
  let packagesFor: SystemPackages['packagesFor'];
  let planInstall: SystemPackages['planInstall'];
  before(async () => {
    ({ packagesFor, planInstall } = (await import(pathToFileURL(SCRIPT).href)) as SystemPackages);
  });

  describe('packagesFor', () => {
    it('lists the packages of every group once, in order', () => {
      assert.deepEqual(packagesFor(['unit', 'integration', 'demo'], {}), ['git', 'shellcheck', 'chromium', 'libkrb5-dev', 'build-essential', 'python3']);
    });

    it('leaves chromium out when CHROMIUM_PATH names a browser that exists, and keeps it when it does not exist', () => {
      assert.ok(!packagesFor(['integration'], { CHROMIUM_PATH: process.execPath }).includes('chromium'));
      assert.ok(packagesFor(['integration'], { CHROMIUM_PATH: '/nonexistent/chromium' }).includes('chromium'));
    });

    it('refuses a group it does not know, naming the ones it does', () => {
      assert.throws(() => packagesFor(['browsers'], {}), /unknown package group 'browsers' \(expected one of unit, integration, demo, icon\)/);
    });
  });

  describe('planInstall', () => {
    const who = 'npm test';

    it('does nothing when nothing is missing', () => {
      assert.deepEqual(planInstall([], { root: false, sudo: false, apt: false, who }), { run: [] });
    });

    it('as root: updates the package lists, then installs exactly the missing packages', () => {
      assert.deepEqual(planInstall(['chromium', 'libkrb5-dev'], { root: true, sudo: false, apt: true, who }), {
        run: [
          ['apt-get', 'update', '-o', 'DPkg::Lock::Timeout=300'],
          ['apt-get', 'install', '-o', 'DPkg::Lock::Timeout=300', '-y', '--no-install-recommends', 'chromium', 'libkrb5-dev'],
        ],
      });
    });

    it('with sudo that needs no password: the same commands through sudo -n', () => {
      const plan = planInstall(['chromium'], { root: false, sudo: true, apt: true, who });
      assert.ok('run' in plan);
      assert.deepEqual(
        plan.run.map((c) => c.slice(0, 4)),
        [
          ['sudo', '-n', 'apt-get', 'update'],
          ['sudo', '-n', 'apt-get', 'install'],
        ],
      );
    });

    it('otherwise: one line naming the exact command to run', () => {
      assert.deepEqual(planInstall(['chromium', 'libkrb5-dev'], { root: false, sudo: false, apt: true, who }), {
        stop: 'npm test needs the Debian packages chromium libkrb5-dev: run  sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium libkrb5-dev',
      });
    });

    it('without apt-get: one line naming the packages', () => {
      assert.deepEqual(planInstall(['chromium'], { root: true, sudo: false, apt: false, who: 'npm run demo' }), {
        stop: "npm run demo needs chromium (Debian package names); install them with your system's package manager",
      });
    });
  });

  describe('the script', function () {
    let tmp: string;
    let log: string;
    let installed: string;

    /** A folder of stand-ins: dpkg-query reads `installed`, apt-get logs its arguments and adds what it installs. */
    function tools(sudoWorks: boolean): string {
      const dir = mkdtempSync(path.join(tmp, 'bin-'));
      chmodSync(dir, 0o755);
      const scripts: Record<string, string> = {
        'dpkg-query': `for p in "$@"; do case "$p" in -*) continue;; esac; if grep -qx "$p" '${installed}'; then echo "$p install ok installed"; else echo "$p unknown ok not-installed"; fi; done`,
        'apt-get': `[ "$1" = --version ] && exit 0; echo "apt-get $*" >> '${log}'; if [ "$1" = install ]; then for p in "$@"; do case "$p" in -*|install|DPkg*) ;; *) echo "$p" >> '${installed}';; esac; done; fi`,
        sudo: sudoWorks ? `[ "$1" = -n ] && shift; [ "$1" = true ] && exit 0; exec "$@"` : 'echo "sudo: a password is required" >&2; exit 1',
      };
      for (const [name, body] of Object.entries(scripts)) {
        writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`);
        chmodSync(path.join(dir, name), 0o755);
      }
      return dir;
    }

    function run(bin: string, args: string[], uid?: number) {
      const r = spawnSync(process.execPath, [SCRIPT, ...args], {
        encoding: 'utf8',
        env: { PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}` },
        ...(uid === undefined ? {} : { uid }),
      });
      return { status: r.status, stderr: r.stderr, calls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
    }

    beforeEach(() => {
      tmp = mkdtempSync(path.join(tmpdir(), 'aip-syspkg-'));
      chmodSync(tmp, 0o755);
      log = path.join(tmp, 'apt.log');
      installed = path.join(tmp, 'installed');
      writeFileSync(log, '', { mode: 0o666 });
      writeFileSync(installed, 'git\nshellcheck\nbuild-essential\npython3\n', { mode: 0o666 });
    });
    afterEach(() => rmSync(tmp, { recursive: true, force: true }));

    it('installs what is missing when it may (root, or sudo without a password), saying what it installs', () => {
      const r = run(tools(true), ['unit', 'integration']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /^system packages: installing chromium libkrb5-dev for unit \+ integration$/m);
      assert.deepEqual(r.calls, [
        'apt-get update -o DPkg::Lock::Timeout=300',
        'apt-get install -o DPkg::Lock::Timeout=300 -y --no-install-recommends chromium libkrb5-dev',
      ]);
      // Installed now: a second run has nothing to do and says nothing.
      const again = run(tools(true), ['unit', 'integration']);
      assert.deepEqual([again.status, again.stderr, again.calls.length], [0, '', 2]);
    });

    it('--dry-run says what it would run and runs nothing', () => {
      const r = run(tools(true), ['--dry-run', 'integration']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /^system packages: would install chromium libkrb5-dev for integration$/m);
      assert.match(r.stderr, /would run (sudo -n )?apt-get install -o DPkg::Lock::Timeout=300 -y --no-install-recommends chromium libkrb5-dev$/m);
      assert.deepEqual(r.calls, []);
    });

    it('stops at once with one line naming the exact command when it may not install', () => {
      // As root, the script runs as nobody; otherwise it already is a user without root.
      const uid = process.getuid?.() === 0 ? 65534 : undefined;
      const r = run(tools(false), ['integration'], uid);
      assert.equal(r.status, 1);
      assert.equal(r.stderr, 'integration needs the Debian packages chromium libkrb5-dev: run  sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium libkrb5-dev\n');
      assert.deepEqual(r.calls, []);
    });
  });
});
