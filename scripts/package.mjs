// `npm run package`: bundles dist/ and packs the extension with @vscode/vsce into ai-provenance-<version>.vsix, holding
// only what .vscodeignore allows. The bundles carry their dependencies, so none are packed (--no-dependencies).
// Usage: node scripts/package.mjs [--out FILE] [--no-build]   → prints the .vsix path on stdout
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Where `npm run package` writes the .vsix: the name vsce gives it, in the checkout. */
export function defaultVsixPath() {
  const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return join(root, `${name}-${version}.vsix`);
}

/**
 * Builds (unless `build` is false) and packages; returns the .vsix path, or throws with vsce's first error line.
 * @param {{ out?: string, build?: boolean, quiet?: boolean }} [opts]
 */
export function packageVsix(opts = {}) {
  const out = resolve(opts.out ?? defaultVsixPath());
  const stdio = ['ignore', opts.quiet ? 'pipe' : 2, 'pipe'];
  if (opts.build !== false) {
    const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`scripts/build.mjs failed: ${(b.stderr || '').trim().split('\n')[0]}`);
  }
  mkdirSync(dirname(out), { recursive: true });
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], { cwd: root, stdio, encoding: 'utf8' });
  if (r.status !== 0) {
    const why = `${r.stderr ?? ''}\n${r.stdout ?? ''}`.split('\n').find((l) => /\S/.test(l)) ?? `exit ${r.status}`;
    throw new Error(`vsce package failed: ${why.trim()}`);
  }
  if (!opts.quiet && r.stderr) process.stderr.write(r.stderr);
  return out;
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, 'no-build': { type: 'boolean', default: false } } });
  try {
    console.log(packageVsix({ out: values.out, build: !values['no-build'] }));
  } catch (err) {
    console.error(`package: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
