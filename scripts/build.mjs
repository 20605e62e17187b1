// Bundles the extension and the CLI with esbuild (one CJS file per entry point).
// The CLI ships as dist/cli.js, a small launcher (src/cli/launcher.ts), plus the bundles it starts: cli-main.js
// (every command) and, for the commands git and agents run on every commit and edit, bundles of their own that
// hold only that command, so those processes compile and cache as little as possible.
// `--outdir DIR` writes the CLI bundles to DIR instead of dist/ (benchmarks build a private copy).
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const argv = process.argv.slice(2);
const production = argv.includes('--production');
const watch = argv.includes('--watch');
const outdirAt = argv.indexOf('--outdir');
const outdir = outdirAt >= 0 ? argv[outdirAt + 1] : undefined;
if (outdirAt >= 0 && !outdir) throw new Error('build.mjs: --outdir needs a directory');
const cliDir = outdir ?? 'dist';

/**
 * A digest of the code the stats figures are made by (src/git/history.ts and all it imports, bundled, comments left
 * out): results and snapshots the stats cache kept from another build of it are not read (INSIGHT_CODE in history.ts).
 */
async function insightCode() {
  const r = await esbuild.build({ entryPoints: ['src/git/history.ts'], bundle: true, platform: 'node', format: 'cjs', write: false, legalComments: 'none', mainFields: ['module', 'main'], logLevel: 'warning' });
  return createHash('sha1').update(r.outputFiles[0].contents).digest('hex').slice(0, 12);
}

/** Gives history.ts its INSIGHT_CODE, worked out again on every build (a --watch rebuild too), on its first line. */
const insightCodePlugin = {
  name: 'insight-code',
  setup(build) {
    let code;
    build.onStart(() => {
      code = undefined;
    });
    build.onLoad({ filter: /[\\/]src[\\/]git[\\/]history\.ts$/ }, async (args) => {
      code ??= insightCode();
      return { contents: `const INSIGHT_CODE = ${JSON.stringify(await code)}; ${readFileSync(args.path, 'utf8')}`, loader: 'ts' };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  // jsonc-parser's `main` is a UMD build whose inner requires esbuild cannot follow; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
  define: { VERSION: JSON.stringify(pkg.version) },
  plugins: [insightCodePlugin],
  // The git hooks' shell (src/git/hooks/*.sh) ships inside the bundles, as text.
  loader: { '.sh': 'text' },
};

/** Bundles main.ts with every command module except `keep` replaced by an empty one (the launcher never asks it for them). */
function onlyCommand(keep) {
  return {
    name: `only-${keep}`,
    setup(build) {
      build.onResolve({ filter: /^\.\/commands\// }, (args) =>
        path.basename(args.path) === keep ? undefined : { path: args.path, namespace: 'omitted-command' },
      );
      build.onLoad({ filter: /.*/, namespace: 'omitted-command' }, () => ({ contents: 'export const command = undefined;', loader: 'js' }));
    },
  };
}

const cli = (file) => path.join(cliDir, file);

const builds = [
  ...(outdir ? [] : [{ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }]),
  // Compiled on every start without a cache of its own, so kept small.
  { ...common, entryPoints: ['src/cli/launcher.ts'], outfile: cli('cli.js'), banner: { js: '#!/usr/bin/env node' }, sourcemap: false, minify: true },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: cli('cli-main.js') },
  // Minified: less to read, checksum and deserialize on every start; their errors are one-line messages anyway.
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: cli('cli-hook.js'), plugins: [insightCodePlugin, onlyCommand('hook')], minify: true },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: cli('cli-git-hook.js'), plugins: [insightCodePlugin, onlyCommand('gitHook')], minify: true },
];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  chmodSync(cli('cli.js'), 0o755);
}
