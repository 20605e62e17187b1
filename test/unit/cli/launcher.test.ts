// The dist/cli.js launcher, run as a real process from a real build in a temporary directory: which bundle a command
// starts, and its V8 code cache (written, reused, refreshed, rebuilt when stale or damaged, optional).
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bundleFor, CACHE_REFRESHES, cacheDir, cacheFileFor, hasCompileCache, readCache, writeCache } from '../../../src/cli/launcher';
import { copyBuiltCli } from '../cliBuild';

const ROOT = path.resolve(__dirname, '../../..');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(dist: string, cache: string, args: string[], input = ''): Run {
  const r = spawnSync(process.execPath, [path.join(dist, 'cli.js'), ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, AI_PROVENANCE_CACHE_DIR: cache },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The cache files in `cache`, by bundle name (`cli-main`, `cli-hook`, ...). */
function cacheFiles(cache: string): Map<string, string> {
  const dir = path.join(cache, 'v8');
  const out = new Map<string, string>();
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) if (n.endsWith('.cache')) out.set(n.replace(/-[0-9a-f]+-v.*$/, ''), path.join(dir, n));
  return out;
}

/** The header fields of a cache file: bundle size, bundle mtime, refreshes, checksum. */
function header(file: string): string[] {
  const raw = readFileSync(file);
  return raw.subarray(0, raw.indexOf(0x0a)).toString('latin1').split(' ').slice(1);
}

describe('launcher (dist/cli.js)', function () {
  let tmp: string;
  let dist: string;
  let cache: string;

  before(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'aip-launcher-'));
    dist = path.join(tmp, 'dist');
    copyBuiltCli(dist);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));
  beforeEach(() => {
    cache = mkdtempSync(path.join(tmp, 'cache-'));
  });

  it('writes a code cache on the first run and starts from it on the next, adding what each run compiled', () => {
    assert.equal(cli(dist, cache, ['--version']).stdout, `${VERSION}\n`);
    const file = cacheFiles(cache).get('cli-main');
    assert.ok(file, `a cache for cli-main.js in ${cache}`);
    assert.equal(header(file)[0], String(statSync(path.join(dist, 'cli-main.js')).size));
    assert.equal(header(file)[2], '0');
    // Each later run that V8 accepted the cache for rewrites it, up to the limit: the count only grows when accepted.
    for (let i = 1; i <= CACHE_REFRESHES + 1; i++) {
      const r = cli(dist, cache, ['--version']);
      assert.equal(r.stdout, `${VERSION}\n`);
      assert.equal(r.stderr, '');
      assert.equal(header(file)[2], String(Math.min(i, CACHE_REFRESHES)));
    }
  });

  it('starts the hook commands from bundles of their own, each with its own cache', () => {
    const r = cli(dist, cache, ['hook', 'claude-code'], '');
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /empty payload/);
    cli(dist, cache, ['_hook', 'no-such-hook']);
    assert.deepEqual([...cacheFiles(cache).keys()].sort(), ['cli-git-hook', 'cli-hook']);
    assert.ok(statSync(path.join(dist, 'cli-hook.js')).size < statSync(path.join(dist, 'cli-main.js')).size / 2, 'the hook bundle is small');
  });

  it('ignores a damaged cache, runs correctly and writes a sound one', () => {
    cli(dist, cache, ['--help']);
    const file = cacheFiles(cache).get('cli-main')!;
    const good = readFileSync(file);
    const bad = Buffer.from(good);
    // A flipped byte deep in the compiled code: V8 itself would not notice.
    bad[bad.length - 100] ^= 0x5a;
    writeFileSync(file, bad);
    const r = cli(dist, cache, ['--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^Usage: ai-provenance <command>/);
    assert.equal(r.stderr, '');
    assert.equal(header(file)[2], '0', 'rewritten from scratch');
    assert.ok(readCache(file, statSync(path.join(dist, 'cli-main.js'))), 'the new cache passes its checksum');
  });

  it('ignores a truncated or foreign cache file', () => {
    cli(dist, cache, ['--version']);
    const file = cacheFiles(cache).get('cli-main')!;
    writeFileSync(file, readFileSync(file).subarray(0, 50));
    assert.equal(cli(dist, cache, ['--version']).stdout, `${VERSION}\n`);
    writeFileSync(file, 'not a cache at all');
    const r = cli(dist, cache, ['--version']);
    assert.equal(r.stdout, `${VERSION}\n`);
    assert.equal(r.stderr, '');
  });

  it('rebuilds the cache when the bundle changes', () => {
    const copy = path.join(tmp, `dist-copy-${Date.now()}`);
    cpSync(dist, copy, { recursive: true });
    cli(copy, cache, ['--version']);
    cli(copy, cache, ['--version']);
    const file = cacheFiles(cache).get('cli-main')!;
    assert.equal(header(file)[2], '1');
    appendFileSync(path.join(copy, 'cli-main.js'), '\n// rebuilt\n');
    assert.equal(cli(copy, cache, ['--version']).stdout, `${VERSION}\n`);
    assert.equal(header(file)[0], String(statSync(path.join(copy, 'cli-main.js')).size));
    assert.equal(header(file)[2], '0');
  });

  it('works without a writable cache directory, and with the cache turned off', () => {
    // A regular file where the cache directory should be: nothing can be created below it.
    const blocked = path.join(tmp, `blocked-${Date.now()}`);
    writeFileSync(blocked, '');
    for (const dir of [path.join(blocked, 'cache'), '']) {
      const r = cli(dist, dir, ['--version']);
      assert.equal(r.status, 0);
      assert.equal(r.stdout, `${VERSION}\n`);
      assert.equal(r.stderr, '');
    }
    assert.equal(statSync(blocked).size, 0);
  });

  it('runs every command from the full bundle when a hook bundle is not shipped', () => {
    const copy = path.join(tmp, `dist-slim-${Date.now()}`);
    cpSync(dist, copy, { recursive: true });
    rmSync(path.join(copy, 'cli-hook.js'));
    const r = cli(copy, cache, ['hook', 'claude-code'], '{');
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^ai-provenance hook claude-code: stdin:1:2: invalid JSON/);
  });

  it('hands NODE_EXTRA_CA_CERTS back to the processes a command starts, as the hook that emptied it found it', () => {
    // Our git hooks start Node with the variable emptied and its value in AI_PROVENANCE_EXTRA_CA_CERTS. The git the
    // command runs (`status` asks git) must see the user's environment again: a git on PATH logs what it got.
    const repo = path.join(tmp, 'ca-repo');
    execFileSync('git', ['init', '-q', repo]);
    const bin = path.join(tmp, 'ca-bin');
    execFileSync('mkdir', ['-p', bin]);
    const log = path.join(bin, 'log');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(path.join(bin, 'git'), `#!/bin/sh\necho "\${NODE_EXTRA_CA_CERTS-unset} \${AI_PROVENANCE_EXTRA_CA_CERTS-unset}" >> '${log}'\nexec '${realGit}' "$@"\n`, { mode: 0o755 });
    const run = (saved: string): string[] => {
      writeFileSync(log, '');
      const r = spawnSync(process.execPath, [path.join(dist, 'cli.js'), 'status'], {
        cwd: repo,
        encoding: 'utf8',
        env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env['PATH']}`, AI_PROVENANCE_CACHE_DIR: cache, NODE_EXTRA_CA_CERTS: '', AI_PROVENANCE_EXTRA_CA_CERTS: saved },
      });
      assert.equal(r.status, 0, r.stderr);
      return [...new Set(readFileSync(log, 'utf8').trim().split('\n'))];
    };
    assert.deepEqual(run('/etc/some-bundle.pem'), ['/etc/some-bundle.pem unset']);
    // Empty: the variable was not set where the hook started, so it is not set for git either.
    assert.deepEqual(run(''), ['unset unset']);
  });

  describe('pieces', () => {
    it('maps the hook commands to their bundles and everything else to the full one', () => {
      assert.equal(bundleFor('hook'), 'cli-hook.js');
      assert.equal(bundleFor('_hook'), 'cli-git-hook.js');
      for (const c of ['install', 'status', undefined, '--help', 'hooks']) assert.equal(bundleFor(c), 'cli-main.js');
    });

    it('finds the per-user cache directory, honouring AI_PROVENANCE_CACHE_DIR and ignoring a relative XDG_CACHE_HOME', () => {
      assert.equal(cacheDir({ AI_PROVENANCE_CACHE_DIR: '', HOME: '/home/u' }, 'linux'), undefined);
      assert.equal(cacheDir({ AI_PROVENANCE_CACHE_DIR: '/c', HOME: '/home/u' }, 'linux'), path.resolve('/c'));
      assert.equal(cacheDir({ XDG_CACHE_HOME: '/x', HOME: '/home/u' }, 'linux'), path.join('/x', 'ai-provenance'));
      assert.equal(cacheDir({ XDG_CACHE_HOME: 'rel', HOME: '/home/u' }, 'linux'), path.join('/home/u', '.cache', 'ai-provenance'));
      assert.equal(cacheDir({ HOME: '/Users/u' }, 'darwin'), path.join('/Users/u', 'Library/Caches', 'ai-provenance'));
      assert.equal(cacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local', HOME: '/ignored' }, 'win32'), path.join('C:\\Users\\u\\AppData\\Local', 'ai-provenance'));
      assert.equal(cacheDir({}, 'linux'), undefined);
    });

    it("uses Node's own compile cache from Node 22.1 on", () => {
      assert.equal(hasCompileCache('20.20.2'), false);
      assert.equal(hasCompileCache('22.0.0'), false);
      assert.equal(hasCompileCache('22.1.0'), true);
      assert.equal(hasCompileCache('24.3.1'), true);
    });

    it('names one cache file per bundle path and Node build', () => {
      const a = cacheFileFor('/c', '/opt/a/dist/cli-hook.js');
      assert.notEqual(a, cacheFileFor('/c', '/opt/b/dist/cli-hook.js'));
      assert.equal(a, cacheFileFor('/c', '/opt/a/dist/cli-hook.js'));
      assert.ok(path.basename(a).startsWith('cli-hook-'));
      assert.ok(a.includes(process.version));
    });

    it('reports a cache it could not write instead of throwing', () => {
      const blocked = path.join(tmp, `blocked-file-${Date.now()}`);
      writeFileSync(blocked, 'x');
      const st = statSync(blocked);
      let produced = false;
      assert.equal(
        writeCache(path.join(blocked, 'v8', 'x.cache'), st, 0, () => {
          produced = true;
          return Buffer.from('data');
        }),
        false,
      );
      assert.equal(produced, false, 'nothing is serialized when the file cannot be created');
      assert.equal(readCache(path.join(blocked, 'v8', 'x.cache'), st), undefined);
    });
  });
});
