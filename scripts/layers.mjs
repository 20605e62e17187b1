// The layering of src/ (issue 13): `extension` and `cli` may use `agents`, which may use `git`, which may use
// `core`; never the other way, and `extension` and `cli` not each other. `core` touches no Node I/O and only the
// extension imports 'vscode'. Reads each file's imports with TypeScript's own scanner (import, export … from,
// import(), require(), type-only imports too), so it needs nothing beyond the compiler the project already has.
// `node scripts/layers.mjs`: one line per violation, `file:line: imports 'x' (rule)`, exit 1 when there is any;
// `--unused` also lists the exports of src/ that nothing imports (a list to read, never a failure).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const RANK = { core: 0, git: 1, agents: 2, cli: 3, extension: 3 };
const NODE_IO = new Set(['fs', 'fs/promises', 'child_process', 'net', 'http', 'https', 'http2', 'os', 'tls', 'dgram', 'dns', 'cluster', 'worker_threads', 'readline', 'inspector']);

function sourceFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => /\.(ts|mts|cts)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

/** The layer a file of src/ is in: its first folder below src/. */
function layerOf(srcDir, file) {
  return relative(srcDir, file).split(sep)[0];
}

/** Why `spec`, imported by a file of `layer`, breaks the layering; undefined when it does not. */
function broken(srcDir, file, layer, spec) {
  if (spec === 'vscode') return layer === 'extension' ? undefined : "only src/extension may import 'vscode'";
  const bare = spec.replace(/^node:/, '');
  if (layer === 'core' && NODE_IO.has(bare)) return 'src/core does no I/O';
  if (!spec.startsWith('.')) return undefined;
  const target = resolve(dirname(file), spec);
  const rel = relative(srcDir, target);
  if (rel.startsWith('..')) return undefined;
  const to = rel.split(sep)[0];
  if (to === layer || !(to in RANK) || !(layer in RANK)) return undefined;
  if (RANK[to] < RANK[layer]) return undefined;
  return `src/${layer} may not import src/${to}`;
}

/** Every import of src/ that breaks the layering, as `file:line: imports 'spec' (why)`, sorted. */
export function layerViolations(root) {
  const srcDir = join(root, 'src');
  const out = [];
  for (const file of sourceFiles(srcDir)) {
    const text = readFileSync(file, 'utf8');
    const layer = layerOf(srcDir, file);
    const { importedFiles } = ts.preProcessFile(text, true, true);
    for (const ref of importedFiles) {
      const why = broken(srcDir, file, layer, ref.fileName);
      if (!why) continue;
      const line = ts.getLineAndCharacterOfPosition(ts.createSourceFile(file, text, ts.ScriptTarget.Latest), ref.pos).line + 1;
      out.push(`${relative(root, file).split(sep).join('/')}:${line}: imports '${ref.fileName}' (${why})`);
    }
  }
  return out.sort();
}

const ENTRY_POINTS = new Set(['src/extension/extension.ts', 'src/cli/main.ts', 'src/cli/launcher.ts']);

function resolveModule(from, spec) {
  const base = resolve(dirname(from), spec);
  for (const f of [`${base}.ts`, join(base, 'index.ts'), base]) {
    try {
      readFileSync(f);
      return f;
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

function hasExport(node) {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** Values a file exports itself (re-exports from elsewhere are counted where they are defined). */
function exportsOf(sf) {
  const names = [];
  for (const st of sf.statements) {
    if (ts.isExportDeclaration(st) && !st.moduleSpecifier && st.exportClause && ts.isNamedExports(st.exportClause)) {
      for (const e of st.exportClause.elements) names.push(e.name.text);
    } else if (ts.isVariableStatement(st) && hasExport(st)) {
      for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) names.push(d.name.text);
    } else if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) {
      // A type named in an exported signature is exported for readers of that signature, used or not.
      continue;
    } else if (hasExport(st) && st.name && ts.isIdentifier(st.name)) {
      const isDefault = (ts.getModifiers(st) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
      names.push(isDefault ? 'default' : st.name.text);
    }
  }
  return names;
}

/**
 * Exports of src/ that no other file of src/, test/, bench/ or scripts/ imports: `file: name`, sorted. A namespace
 * import, `export *`, require() or import() of a file counts as using all it exports.
 */
export function unusedExports(root) {
  const files = ['src', 'test', 'bench', 'scripts'].flatMap((d) => {
    try {
      return sourceFiles(join(root, d));
    } catch {
      return [];
    }
  });
  const used = new Map();
  const use = (file, name) => {
    if (!used.has(file)) used.set(file, new Set());
    used.get(file).add(name);
  };
  const parsed = new Map();
  for (const file of files) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    parsed.set(file, sf);
    const visit = (node) => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        const target = node.moduleSpecifier.text.startsWith('.') ? resolveModule(file, node.moduleSpecifier.text) : undefined;
        if (target) {
          const clause = ts.isImportDeclaration(node) ? node.importClause : node.exportClause;
          if (ts.isImportDeclaration(node)) {
            if (!clause) use(target, '*');
            else {
              if (clause.name) use(target, 'default');
              const nb = clause.namedBindings;
              if (nb && ts.isNamespaceImport(nb)) use(target, '*');
              else if (nb) for (const e of nb.elements) use(target, (e.propertyName ?? e.name).text);
            }
          } else if (!clause || !ts.isNamedExports(clause)) use(target, '*');
          else for (const e of clause.elements) use(target, (e.propertyName ?? e.name).text);
        }
      } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
        const callee = node.expression;
        if ((ts.isIdentifier(callee) && callee.text === 'require') || callee.kind === ts.SyntaxKind.ImportKeyword) {
          const target = node.arguments[0].text.startsWith('.') ? resolveModule(file, node.arguments[0].text) : undefined;
          if (target) use(target, '*');
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  const out = [];
  for (const [file, sf] of parsed) {
    const rel = relative(root, file).split(sep).join('/');
    if (!rel.startsWith('src/') || ENTRY_POINTS.has(rel)) continue;
    const u = used.get(file) ?? new Set();
    if (u.has('*')) continue;
    for (const name of exportsOf(sf)) if (!u.has(name)) out.push(`${rel}: ${name}`);
  }
  return out.sort();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const found = layerViolations(root);
  for (const v of found) console.error(v);
  console.log(found.length === 0 ? 'layers: every import of src/ follows extension, cli → agents → git → core' : `layers: ${found.length} import(s) break the layering`);
  const unused = unusedExports(root);
  if (process.argv.includes('--unused')) for (const u of unused) console.log(`unused export: ${u}`);
  else if (unused.length > 0) console.log(`layers: ${unused.length} export(s) of src/ imported nowhere (node scripts/layers.mjs --unused lists them)`);
  process.exit(found.length === 0 ? 0 : 1);
}
