// The hooks' shell as installed passes shellcheck (Debian package `shellcheck`, which scripts/system-packages.mjs
// installs for the unit tests). The .sh files are parts with placeholders that only the whole hook fills (and
// variables one part sets for another), so shellcheck reads each installed hook, and every .sh file must be part of one.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type GitHookName, hookParts, hookScript } from '../../../src/git/hookScripts';
import { HOOK_NAMES, wrapperScript } from '../../../src/git/install';

const HOOKS: readonly GitHookName[] = ['prepare-commit-msg', 'commit-msg', 'post-commit', 'post-rewrite', 'pre-push', 'reference-transaction'];
const SHELL_DIR = path.resolve(__dirname, '../../../src/git/hooks');
// A path that needs quoting: the CLI's path is the one value that comes from the user's machine.
const CLI = "/opt/it's here/dist/cli.js";

describe('the hooks\' shell', () => {
  for (const name of HOOKS) {
    it(`${name}: shellcheck finds nothing in the hook as installed`, () => {
      const r = spawnSync('shellcheck', ['--shell=sh', '--format=gcc', '-'], { input: hookScript(name, CLI), encoding: 'utf8' });
      assert.ifError(r.error);
      assert.equal(r.stdout + r.stderr, '', `shellcheck on the ${name} hook`);
      assert.equal(r.status, 0);
    });
  }

  // The wrappers source our hook from a path known only at run time (SC1090), and their EXIT trap reads ap_st, which
  // the trap's own text assigns when it runs (SC2154).
  const WRAPPER_EXCLUDES = '--exclude=SC1090,SC2154';
  for (const name of HOOK_NAMES) {
    it(`${name}: shellcheck finds nothing in the wrappers install writes (plain and husky)`, () => {
      const runtime = { nodePath: '/usr/bin/node', cliPath: CLI };
      for (const wrapper of [wrapperScript(name, { kind: 'file', name }, '/repo/.git/ai-provenance/hooks/x', runtime), wrapperScript(name, { kind: 'husky', afterPushHook: '.husky/_/reference-transaction' }, '/h', runtime)]) {
        const r = spawnSync('shellcheck', ['--shell=sh', '--format=gcc', WRAPPER_EXCLUDES, '-'], { input: wrapper, encoding: 'utf8' });
        assert.ifError(r.error);
        assert.equal(r.stdout + r.stderr, '', `shellcheck on the ${name} wrapper`);
      }
    });
  }

  it('every .sh file of src/git/hooks is part of a hook, so shellcheck reads it', () => {
    const used = new Set(HOOKS.flatMap((h) => hookParts(h)));
    for (const f of readdirSync(SHELL_DIR).filter((f) => f.endsWith('.sh'))) {
      assert.ok(used.has(readFileSync(path.join(SHELL_DIR, f), 'utf8')), `${f} is in no hook`);
    }
  });

  it('fills every placeholder', () => {
    for (const name of HOOKS) assert.doesNotMatch(hookScript(name, CLI), /@@[A-Z_]+@@/, name);
  });
});
