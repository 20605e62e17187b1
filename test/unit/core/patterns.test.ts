import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { git } from '../../../src/git/run';
import { compilePatterns, toRepoPath } from '../../../src/core/patterns';

// Every file exists on disk so git can tell folders from files, as it does in a real checkout.
const PATHS = [
  'infra/main.tf',
  'infra/docs/readme.md',
  'infra/modules/net/vpc.tf',
  'app/infra/x.ts',
  'modules/net.tf',
  'MAIN.TF',
  'billing/charge.ts',
  'billing/README.md',
  'services/billing/api/x.ts',
  'billingx/y.ts',
  'Makefile',
  'sub/Makefile',
  'docs/guide.md',
  'docs/deep/guide.md',
  'other/docs/guide.md',
  'README.md',
  'src/README.md',
  'src/a.ts',
  'src/b.ts',
  'src/c.ts',
  'src/ab.ts',
  'src/abc.ts',
  'config/secrets/key.pem',
  'secrets/k',
  'a/b',
  'a/x/b',
  'a/x/y/b',
  'a/c/d.txt',
  'build/out.js',
  'src/build/out.js',
  'lib/build',
  '.env',
  'config/.env.local',
  'dist/app.lock',
  'x[y]/z.ts',
  'sp ace/file name.ts',
];

async function withRepo<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'aip-patterns-'));
  try {
    await git(['init', '-q'], { cwd: dir });
    for (const p of PATHS) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), '');
    }
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The paths git itself reports as matched by these patterns when they are the root .gitignore. */
async function gitMatches(dir: string, patterns: readonly string[]): Promise<Set<string>> {
  writeFileSync(join(dir, '.gitignore'), patterns.map((p) => `${p}\n`).join(''));
  const r = await git(['-c', 'core.ignorecase=false', 'check-ignore', '--no-index', '--stdin', '-z'], {
    cwd: dir,
    input: PATHS.map((p) => `${p}\0`).join(''),
    okCodes: [1],
  });
  return new Set(r.stdout.split('\0').filter((s) => s !== ''));
}

function ours(patterns: readonly string[]): Set<string> {
  const m = compilePatterns(patterns);
  return new Set(PATHS.filter((p) => m.matches(p)));
}

const TABLE: readonly (readonly string[])[] = [
  ['infra/**'],
  ['**/*.tf'],
  ['*.tf'],
  ['billing/'],
  ['billing'],
  ['/billing/'],
  ['/Makefile'],
  ['Makefile'],
  ['docs/*.md'],
  ['docs/**/*.md'],
  ['**/docs/*.md'],
  ['*.md', '!README.md'],
  ['*.md', '!/README.md'],
  ['src/?.ts'],
  ['src/[ab]*.ts'],
  ['src/[!a]*.ts'],
  ['src/[a-b].ts'],
  ['billing/', '!billing/README.md'],
  ['billing/**', '!billing/README.md'],
  ['infra/**', '!infra/docs/**'],
  ['infra/', '!infra/docs/'],
  ['**/secrets/**'],
  ['secrets/'],
  ['a/**/b'],
  ['a/*/b'],
  ['*.TF'],
  ['build'],
  ['/build/'],
  ['build/'],
  ['**/.env*'],
  ['.env'],
  ['*'],
  ['*', '!*.ts'],
  ['**'],
  ['**/'],
  ['x[y]/*'],
  ['sp ace/'],
  ['*.lock', '!dist/*', 'dist/app.lock'],
  ['src/', '!src/a.ts'],
  ['!src/a.ts', 'src/*.ts'],
  ['[', 'src/[b'],
];

describe('path patterns', () => {
  describe('agree with git check-ignore', function () {

    it('for a table of gitignore patterns over a checkout', async () => {
      await withRepo(async (dir) => {
        for (const patterns of TABLE) {
          const expected = await gitMatches(dir, patterns);
          assert.deepEqual([...ours(patterns)].sort(), [...expected].sort(), `patterns ${JSON.stringify(patterns)}`);
        }
      });
    });

    it('for random pattern lists built from path pieces, wildcards, anchors and negations', async () => {
      const piece = fc.constantFrom('a', 'b', 'x', 'src', 'infra', 'docs', 'billing', '*', '**', '?', '*.ts', '*.md', '[ab]*', 'README.md');
      const pattern = fc
        .tuple(fc.boolean(), fc.boolean(), fc.array(piece, { minLength: 1, maxLength: 3 }), fc.boolean())
        .map(([neg, anchor, parts, dir]) => `${neg ? '!' : ''}${anchor ? '/' : ''}${parts.join('/')}${dir ? '/' : ''}`);
      await withRepo(async (dir) => {
        await fc.assert(
          fc.asyncProperty(fc.array(pattern, { minLength: 1, maxLength: 4 }), async (patterns) => {
            const expected = await gitMatches(dir, patterns);
            assert.deepEqual([...ours(patterns)].sort(), [...expected].sort(), `patterns ${JSON.stringify(patterns)}`);
          }),
          { numRuns: 150 },
        );
      });
    });
  });

  describe('matching', () => {
    it('is case-sensitive by default, like git on Linux', () => {
      assert.equal(compilePatterns(['**/*.tf']).matches('MAIN.TF'), false);
      assert.equal(compilePatterns(['**/*.tf'], { ignoreCase: true }).matches('MAIN.TF'), true);
    });

    it('accepts paths with a leading ./', () => {
      assert.equal(compilePatterns(['/infra/**']).matches('./infra/main.tf'), true);
    });

    it('rejects paths that are not repository-relative with an error naming the path', () => {
      for (const bad of ['', '/etc/passwd', '../up/a.ts', '..', '.', 'C:\\repo\\a.ts']) {
        assert.throws(() => toRepoPath(bad), (e: unknown) => e instanceof RangeError && e.message.includes(`"${bad}"`), bad);
      }
    });
  });
});
