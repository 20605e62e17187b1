// The team config `.ai-provenance.json` (PRODUCT.md §8): JSON with comments, checked against the same
// JSON Schema VS Code uses, through a validator generated ahead of time so the CLI never compiles a schema.
import type * as Jsonc from 'jsonc-parser';
import type { Node, ParseError } from 'jsonc-parser';
import type { SchemaError } from './generated/configValidator';
import schemaJson from '../../schemas/ai-provenance.schema.json';
import { compilePatterns, type MatchOptions, type PathMatcher } from './patterns';

// The JSON parser and the schema validator load on first use: most repositories have no config file, and the hooks
// that import this module start a process per edit or commit.
function jsonc(): typeof Jsonc {
  return require('jsonc-parser') as typeof Jsonc;
}

function validator(): typeof import('./generated/configValidator') {
  return require('./generated/configValidator') as typeof import('./generated/configValidator');
}

export interface CriticalRule {
  readonly paths: readonly string[];
  readonly reason: string;
  readonly level: 'warn' | 'block';
  readonly reviewers: readonly string[];
}

export interface TrailerSettings {
  readonly assistedBy: boolean;
  readonly lineCounts: boolean;
  readonly coAuthoredBy: boolean;
}

export interface TeamConfig {
  readonly critical: readonly CriticalRule[];
  readonly trailers: TrailerSettings;
  readonly ignore: readonly string[];
}

/** A problem in the config text. Offsets count UTF-16 code units in the text without its BOM; line and column are 1-based, as VS Code shows them. */
export interface ConfigProblem {
  readonly message: string;
  readonly offset: number;
  readonly length: number;
  readonly line: number;
  readonly column: number;
}

export { CONFIG_FILE } from './names';

export const DEFAULT_CONFIG: TeamConfig = Object.freeze({
  critical: Object.freeze([]),
  trailers: Object.freeze({ assistedBy: true, lineCounts: true, coAuthoredBy: false }),
  ignore: Object.freeze([]),
});

/**
 * Bounds on what a config may hold, far above any real team's config, so that a hostile or broken file costs
 * milliseconds on every command and commit: the text is refused before it is parsed when it is too large or nested too
 * deep (the parser recurses), and patterns too long or with too many `**` (each one multiplies the work of matching a
 * deep path) are problems like any other.
 */
export const CONFIG_LIMITS = Object.freeze({
  /** Characters of the file (UTF-16 units; its size in bytes is checked against the same number before reading). */
  size: 256 * 1024,
  /** Nesting of arrays and objects; a valid config nests 4 deep. */
  depth: 32,
  /** Characters per pattern. */
  patternLength: 1024,
  /** `**` per pattern. */
  globstars: 2,
  /** Patterns in all, over every rule's `paths` and `ignore`. */
  patterns: 2000,
});

/** Parses and validates the config; `config` is undefined whenever there is a problem, so callers keep their last good one. */
export function parseConfig(text: string): { config?: TeamConfig; problems: ConfigProblem[] } {
  // VS Code drops the BOM when it opens a file, so positions are counted without it.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.length > CONFIG_LIMITS.size) {
    return { problems: [{ message: tooLargeMessage(body.length, 'characters'), offset: 0, length: 0, line: 1, column: 1 }] };
  }
  const lines = lineStarts(body);
  // jsonc-parser may place an error at the end of the text one character past it (an unterminated comment, a missing
  // value): kept inside the text, so editors and `file:line:col` point at a real position.
  const at = (message: string, offset: number, length: number): ConfigProblem => {
    const start = Math.min(Math.max(offset, 0), body.length);
    return { message, offset: start, length: Math.max(0, Math.min(length, body.length - start)), ...positionAt(lines, start) };
  };
  try {
    return parseBounded(body, at);
  } catch (err) {
    // Whatever the checks above missed is still a problem in the file, never an exception that switches the policy off.
    return { problems: [at(`cannot be read: ${err instanceof Error ? err.message : String(err)}`, 0, 0)] };
  }
}

/** The one-line message for a config of `size` units over the limit. */
export function tooLargeMessage(size: number, unit: 'bytes' | 'characters'): string {
  return `the file is too large (${size} ${unit}; a config may have at most ${CONFIG_LIMITS.size}): keep it to the rules the team needs`;
}

type At = (message: string, offset: number, length: number) => ConfigProblem;

function parseBounded(body: string, at: At): { config?: TeamConfig; problems: ConfigProblem[] } {
  if (isBlank(body)) {
    return { problems: [at('the file is empty: expected a JSON object such as { "critical": [] }', 0, 0)] };
  }
  const deep = tooDeepAt(body);
  if (deep !== undefined) return { problems: [at(`nested more than ${CONFIG_LIMITS.depth} levels deep`, deep, 1)] };
  const syntax: ParseError[] = [];
  const { parseTree, getNodeValue } = jsonc();
  const root = parseTree(body, syntax, { allowTrailingComma: true, disallowComments: false });
  if (syntax.length > 0 || root === undefined) {
    return { problems: syntax.map((e) => at(`JSON syntax error: ${syntaxMessage(e, body)}`, e.offset, e.length)) };
  }

  const problems = [...duplicateKeys(root).map((k) => at(`duplicate property "${k.value}": keep only one`, k.offset, k.length))];
  const value: unknown = getNodeValue(root);
  const validate = validator();
  if (!validate(value)) {
    for (const e of relevantErrors(validate.errors ?? [])) {
      const p = schemaProblem(e, root);
      problems.push(at(p.message, p.offset, p.length));
    }
  }
  if (problems.length > 0) return { problems: problems.sort((a, b) => a.offset - b.offset) };
  const config = toConfig(value as RawConfig);
  const limits = patternProblems(config, root, at);
  return limits.length > 0 ? { problems: limits } : { config, problems: [] };
}

/** Offset of the first `[` or `{` nested deeper than the limit; a scan without recursion, run before the parser recurses. */
function tooDeepAt(text: string): number | undefined {
  const { createScanner, SyntaxKind } = jsonc();
  const scanner = createScanner(text, false);
  let depth = 0;
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    if (kind === SyntaxKind.OpenBracketToken || kind === SyntaxKind.OpenBraceToken) {
      if (++depth > CONFIG_LIMITS.depth) return scanner.getTokenOffset();
    } else if (kind === SyntaxKind.CloseBracketToken || kind === SyntaxKind.CloseBraceToken) {
      depth--;
    }
  }
  return undefined;
}

/** Patterns over the length, `**` or count limits, each at its place in the file. */
function patternProblems(config: TeamConfig, root: Node, at: At): ConfigProblem[] {
  const located: { pattern: string; where: (string | number)[] }[] = [
    ...config.critical.flatMap((r, i) => r.paths.map((pattern, j) => ({ pattern, where: ['critical', i, 'paths', j] }))),
    ...config.ignore.map((pattern, j) => ({ pattern, where: ['ignore', j] })),
  ];
  const problems: ConfigProblem[] = [];
  const problem = (where: (string | number)[], message: string): void => {
    const node = jsonc().findNodeAtLocation(root, where) ?? root;
    problems.push(at(`${describePath(where)}: ${message}`, node.offset, node.length));
  };
  located.forEach(({ pattern, where }, n) => {
    if (n === CONFIG_LIMITS.patterns) problem(where, `more than ${CONFIG_LIMITS.patterns} patterns in all (critical paths and ignore): merge them into fewer, broader patterns`);
    if (pattern.length > CONFIG_LIMITS.patternLength) {
      problem(where, `pattern too long (${pattern.length} characters; at most ${CONFIG_LIMITS.patternLength})`);
    } else if ((pattern.match(/\*\*+/g)?.length ?? 0) > CONFIG_LIMITS.globstars) {
      problem(where, `pattern with more than ${CONFIG_LIMITS.globstars} "**": each one multiplies the work of matching a deep path; use fewer`);
    }
  });
  return problems;
}

/** `file:line:col: message`, the form compilers use and editors link. */
export function formatProblem(file: string, p: ConfigProblem): string {
  return `${file}:${p.line}:${p.column}: ${p.message}`;
}

export interface CompiledConfig {
  readonly config: TeamConfig;
  /** The file's critical rule: the last rule with a matching pattern (CODEOWNERS-style). */
  ruleFor(path: string): { rule: CriticalRule; index: number } | undefined;
  isIgnored(path: string): boolean;
  isCritical(path: string): boolean;
}

/** Builds the matchers once; paths are repository-relative and `/`-separated. */
export function compileConfig(config: TeamConfig, options: MatchOptions = {}): CompiledConfig {
  const rules = config.critical.map((rule) => compilePatterns(rule.paths, options));
  const ignored: PathMatcher = compilePatterns(config.ignore, options);
  const ruleFor = (path: string): { rule: CriticalRule; index: number } | undefined => {
    for (let i = rules.length - 1; i >= 0; i--) {
      if (rules[i].matches(path)) return { rule: config.critical[i], index: i };
    }
    return undefined;
  };
  return {
    config,
    ruleFor,
    isIgnored: (path) => ignored.matches(path),
    isCritical: (path) => ruleFor(path) !== undefined,
  };
}

interface RawConfig {
  critical?: { paths: string[]; reason: string; level: 'warn' | 'block'; reviewers?: string[] }[];
  trailers?: Partial<TrailerSettings>;
  ignore?: string[];
}

function toConfig(raw: RawConfig): TeamConfig {
  const d = DEFAULT_CONFIG.trailers;
  return {
    critical: (raw.critical ?? []).map((r) => ({ paths: [...r.paths], reason: r.reason, level: r.level, reviewers: [...(r.reviewers ?? [])] })),
    trailers: {
      assistedBy: raw.trailers?.assistedBy ?? d.assistedBy,
      lineCounts: raw.trailers?.lineCounts ?? d.lineCounts,
      coAuthoredBy: raw.trailers?.coAuthoredBy ?? d.coAuthoredBy,
    },
    ignore: [...(raw.ignore ?? [])],
  };
}

function isBlank(text: string): boolean {
  const { createScanner, SyntaxKind } = jsonc();
  const scanner = createScanner(text, true);
  return scanner.scan() === SyntaxKind.EOF;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // \r\n, \n and a lone \r each end a line, as in VS Code.
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    if (c === 13 || c === 10) starts.push(i + 1);
  }
  return starts;
}

function positionAt(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

/** What is wrong at a jsonc-parser error, in words (`unexpected character '#'`, `expected a value`). */
export function syntaxMessage(e: ParseError, text: string): string {
  const { ParseErrorCode } = jsonc();
  switch (e.error) {
    case ParseErrorCode.InvalidSymbol:
      return `unexpected ${describeChar(text, e.offset)}`;
    case ParseErrorCode.InvalidNumberFormat:
      return 'invalid number';
    case ParseErrorCode.PropertyNameExpected:
      return 'expected a property name in double quotes';
    case ParseErrorCode.ValueExpected:
      return 'expected a value';
    case ParseErrorCode.ColonExpected:
      return "expected ':' after the property name";
    case ParseErrorCode.CommaExpected:
      return "expected ',' between items";
    case ParseErrorCode.CloseBraceExpected:
      return "expected '}' to close the object";
    case ParseErrorCode.CloseBracketExpected:
      return "expected ']' to close the array";
    case ParseErrorCode.EndOfFileExpected:
      return 'expected the end of the file after the top-level value';
    case ParseErrorCode.InvalidCommentToken:
      return 'invalid comment';
    case ParseErrorCode.UnexpectedEndOfComment:
      return "unterminated comment: expected '*/'";
    case ParseErrorCode.UnexpectedEndOfString:
      return 'unterminated string: expected a closing double quote';
    case ParseErrorCode.UnexpectedEndOfNumber:
      return 'incomplete number';
    case ParseErrorCode.InvalidUnicode:
      return 'invalid \\u escape: expected four hexadecimal digits';
    case ParseErrorCode.InvalidEscapeCharacter:
      return 'invalid escape sequence in a string';
    case ParseErrorCode.InvalidCharacter:
      return 'control character in a string: escape it';
    default:
      return 'invalid JSON';
  }
}

function describeChar(text: string, offset: number): string {
  if (offset >= text.length) return 'end of file';
  const cp = text.codePointAt(offset) ?? 0;
  return cp < 0x20 || cp === 0x7f ? `character U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : `character '${String.fromCodePoint(cp)}'`;
}

function duplicateKeys(node: Node): Node[] {
  const found: Node[] = [];
  const visit = (n: Node): void => {
    if (n.type === 'object') {
      const seen = new Set<string>();
      for (const prop of n.children ?? []) {
        const key = prop.children?.[0];
        if (!key) continue;
        const name = String(key.value);
        if (seen.has(name)) found.push(key);
        seen.add(name);
      }
    }
    for (const c of n.children ?? []) visit(c);
  };
  visit(node);
  return found;
}

function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

// A wrong type makes every other check on that value noise; `if`/`allOf` wrappers add nothing a user can act on.
function relevantErrors(errors: readonly SchemaError[]): SchemaError[] {
  const typed = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  return errors.filter((e) => (e.keyword === 'type' || !typed.has(e.instancePath)) && e.keyword !== 'allOf');
}

function schemaProblem(e: SchemaError, root: Node): { message: string; offset: number; length: number } {
  const segments = pointerSegments(e.instancePath);
  const node = jsonc().findNodeAtLocation(root, segments) ?? root;
  const where = describePath(segments);
  const prefix = where ? `${where}: ` : '';
  const sub = schemaAt(segments);
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(e.params.additionalProperty);
      const key = node.children?.find((p) => p.children?.[0]?.value === name)?.children?.[0] ?? node;
      const known = Object.keys(sub?.properties ?? {});
      return { message: `${prefix}unknown property "${name}": expected ${oneOf(known)}`, offset: key.offset, length: key.length };
    }
    case 'required':
      // Point at the opening brace rather than the whole object.
      return { message: `${prefix}missing property "${String(e.params.missingProperty)}"`, offset: node.offset, length: 1 };
    case 'type': {
      const expected = String(e.params.type);
      const what = segments.length === 0 ? 'a JSON object at the top level' : article(expected);
      return { message: `${prefix}expected ${what}, got ${article(node.type)}`, offset: node.offset, length: node.length };
    }
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      const label = typeof segments[segments.length - 1] === 'string' ? segments[segments.length - 1] : 'value';
      return { message: `${prefix}unknown ${String(label)} ${JSON.stringify(node.value)}: expected ${oneOf(allowed)}`, offset: node.offset, length: node.length };
    }
    case 'minItems':
      return { message: `${prefix}expected at least ${String(e.params.limit)} item${e.params.limit === 1 ? '' : 's'}`, offset: node.offset, length: node.length };
    case 'pattern':
      return { message: `${prefix}${sentence(patternMessage(sub, String(e.params.pattern)))}`, offset: node.offset, length: node.length };
    default:
      return { message: `${prefix}${e.message ?? 'invalid value'}`, offset: node.offset, length: node.length };
  }
}

// Schema messages are written as sentences for VS Code; after a `where: ` prefix they read as a clause.
function sentence(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1).replace(/\.$/, '');
}

function describePath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : /^[A-Za-z_$][\w$]*$/.test(s) ? `${out ? '.' : ''}${s}` : `[${JSON.stringify(s)}]`;
  return out;
}

function article(type: string): string {
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function oneOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

interface SchemaNode {
  readonly $ref?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly allOf?: readonly SchemaNode[];
  readonly pattern?: string;
  readonly patternErrorMessage?: string;
  readonly definitions?: Readonly<Record<string, SchemaNode>>;
}

const SCHEMA = schemaJson as unknown as SchemaNode;

function resolve(node: SchemaNode | undefined): SchemaNode | undefined {
  const ref = node?.$ref;
  if (ref === undefined) return node;
  const name = /^#\/definitions\/(.+)$/.exec(ref)?.[1];
  return name === undefined ? undefined : resolve(SCHEMA.definitions?.[name]);
}

// The sub-schema describing the value at an instance path, for the schema's own wording (property lists, pattern messages).
function schemaAt(segments: readonly (string | number)[]): SchemaNode | undefined {
  let node = resolve(SCHEMA);
  for (const s of segments) {
    node = resolve(typeof s === 'number' ? node?.items : node?.properties?.[s]);
    if (!node) return undefined;
  }
  return node;
}

function patternMessage(sub: SchemaNode | undefined, pattern: string): string {
  const holder = [sub, ...(sub?.allOf ?? [])].find((s) => s?.pattern === pattern);
  return holder?.patternErrorMessage ?? `expected a value matching ${pattern}`;
}
