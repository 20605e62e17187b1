// Writes and removes the hook entries that call `ai-provenance hook <agent>` in each agent's project settings,
// merging with what is there: edits located with jsonc-parser's syntax tree touch only our entries, so the user's
// other hooks, keys, comments and formatting stay byte for byte.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type JSONPath, type Node, type ParseError } from 'jsonc-parser';
import { discoverRepo, stateDir } from '../git/repo';
import { readOptional } from '../git/workingState';
import { HOOK_AGENTS, isHookAgent, type HookAgent } from './index';

/** Seconds (milliseconds for Gemini) an agent waits for the hook; it finishes in a fraction of that. */
const TIMEOUT_S = 10;

type Shape = 'grouped' | 'flat';

interface AgentSettings {
  /** Settings file, relative to the repository root. */
  readonly file: string;
  /** Top-level keys of a file we create. */
  readonly base: Record<string, unknown>;
  /** `grouped`: hooks.<Event>[] = {matcher, hooks: [{command}]} (Claude style); `flat`: hooks.<event>[] = {command}. */
  readonly shape: Shape;
  /** Event name → the entry to add for `command`. */
  entries(command: string): Record<string, Record<string, unknown>>;
  /** The command string of a hook object, in the field this agent uses. */
  commandOf(hook: Record<string, unknown>): string | undefined;
}

const claudeLike = (matcher: string, extra: Record<string, unknown>) => (command: string) => {
  const group = { matcher, hooks: [{ type: 'command', command, ...extra }] };
  return { PreToolUse: group, PostToolUse: group };
};

const commandField = (h: Record<string, unknown>) => (typeof h['command'] === 'string' ? h['command'] : undefined);

export const AGENT_SETTINGS: Readonly<Record<HookAgent, AgentSettings>> = {
  // code.claude.com/docs/en/hooks: matcher groups per event; NotebookEdit is not tracked.
  'claude-code': { file: '.claude/settings.json', base: {}, shape: 'grouped', entries: claudeLike('Write|Edit|MultiEdit|Bash', { timeout: TIMEOUT_S }), commandOf: commandField },
  // developers.openai.com/codex/hooks: same shape as Claude Code; apply_patch and Bash are the tools that write.
  codex: { file: '.codex/hooks.json', base: {}, shape: 'grouped', entries: claudeLike('apply_patch|Bash', { timeout: TIMEOUT_S }), commandOf: commandField },
  // google-gemini/gemini-cli docs/hooks/reference.md: timeout in milliseconds, `name` identifies the hook in logs.
  'gemini-cli': {
    file: '.gemini/settings.json',
    base: {},
    shape: 'grouped',
    entries: (command) => {
      const group = { matcher: 'write_file|replace|run_shell_command', hooks: [{ type: 'command', command, name: 'ai-provenance', timeout: TIMEOUT_S * 1000 }] };
      return { BeforeTool: group, AfterTool: group };
    },
    commandOf: commandField,
  },
  // cursor.com/docs/agent/hooks: {version: 1, hooks: {<event>: [{command}]}}; no before-edit event for file edits.
  cursor: {
    file: '.cursor/hooks.json',
    base: { version: 1 },
    shape: 'flat',
    entries: (command) => {
      const e = { command, timeout: TIMEOUT_S };
      return { afterFileEdit: e, afterTabFileEdit: e, beforeShellExecution: e, afterShellExecution: e };
    },
    commandOf: commandField,
  },
  // docs.github.com Copilot hooks configuration: {version: 1, hooks: {<event>: [{type, bash, powershell, timeoutSec}]}}.
  copilot: {
    file: '.github/hooks/ai-provenance.json',
    base: { version: 1 },
    shape: 'flat',
    entries: (command) => {
      const e = { type: 'command', bash: command, powershell: command, timeoutSec: TIMEOUT_S };
      return { preToolUse: e, postToolUse: e };
    },
    commandOf: (h) => (typeof h['bash'] === 'string' ? h['bash'] : typeof h['powershell'] === 'string' ? h['powershell'] : undefined),
  },
};

export class AgentSettingsError extends Error {
  override name = 'AgentSettingsError';
}

const OUR_COMMAND = new RegExp(`\\bhook\\s+(${HOOK_AGENTS.join('|')})\\s*$`);

function isOurCommand(command: string, known: ReadonlySet<string>): boolean {
  return known.has(command) || (command.includes('ai-provenance') && OUR_COMMAND.test(command));
}

interface Layout {
  readonly eol: string;
  /** One level of indentation as the file writes it. */
  readonly unit: string;
}

function layout(text: string): Layout {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /\n([ \t]+)\S/.exec(text)?.[1];
  return { eol, unit: indent?.startsWith('\t') ? '\t' : ' '.repeat(indent ? Math.min(indent.length, 8) : 2) };
}

/** Leading whitespace of the line `offset` is on. */
function indentAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** `value` as JSON indented like the file, its first line starting at `indent`. */
function render(value: unknown, indent: string, l: Layout): string {
  return JSON.stringify(value, null, l.unit).split('\n').join(l.eol + indent);
}

function splice(text: string, offset: number, length: number, content: string): string {
  return text.slice(0, offset) + content + text.slice(offset + length);
}

/** Appends a value to an array or a property to an object; only the inserted text is new, the rest stays byte for byte. */
function append(text: string, container: Node, value: unknown, key?: string): string {
  const l = layout(text);
  const children = container.children ?? [];
  const head = key === undefined ? '' : `${JSON.stringify(key)}: `;
  const last = children[children.length - 1];
  if (last) {
    const indent = indentAt(text, last.offset);
    // On one line with the container's opening bracket: keep the new item on that line too.
    const sameLine = !text.slice(container.offset, last.offset).includes('\n');
    const sep = sameLine ? ' ' : l.eol + indent;
    return splice(text, last.offset + last.length, 0, `,${sep}${head}${sameLine ? JSON.stringify(value) : render(value, indent, l)}`);
  }
  const outer = indentAt(text, container.offset);
  const inner = outer + l.unit;
  return splice(text, container.offset + 1, container.length - 2, `${l.eol}${inner}${head}${render(value, inner, l)}${l.eol}${outer}`);
}

/** Removes child `index` of an array or object with the separator that joined it, nothing else. */
function removeChild(text: string, container: Node, index: number): string {
  const children = container.children ?? [];
  const child = children[index]!;
  if (children.length === 1) return splice(text, container.offset + 1, container.length - 2, '');
  if (index > 0) {
    const prev = children[index - 1]!;
    return splice(text, prev.offset + prev.length, child.offset + child.length - (prev.offset + prev.length), '');
  }
  const next = children[1]!;
  return splice(text, child.offset, next.offset - child.offset, '');
}

function parse(file: string, text: string): Node | undefined {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const e = errors[0]!;
    const before = text.slice(0, e.offset);
    const line = before.split('\n').length;
    const col = e.offset - before.lastIndexOf('\n');
    throw new AgentSettingsError(`${file}:${line}:${col}: ${printParseErrorCode(e.error)}; not changed`);
  }
  if (root !== undefined && root.type !== 'object') throw new AgentSettingsError(`${file}:1:1: expected a JSON object; not changed`);
  return root;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON paths of our hooks in the file, deepest and last first so that removing them in order keeps the others valid. */
function ourHooks(root: Node | undefined, s: AgentSettings, known: ReadonlySet<string>, file: string): JSONPath[] {
  const hooksNode = root && findNodeAtLocation(root, ['hooks']);
  if (!hooksNode) return [];
  if (hooksNode.type !== 'object') throw new AgentSettingsError(`${file}: "hooks" is not an object; not changed`);
  const out: JSONPath[] = [];
  for (const prop of hooksNode.children ?? []) {
    const event = prop.children?.[0]?.value as string;
    const list = prop.children?.[1];
    if (!list || list.type !== 'array') continue;
    const items = list.children ?? [];
    for (let i = items.length - 1; i >= 0; i--) {
      const value: unknown = getNodeValue(items[i]!);
      if (!isRecord(value)) continue;
      if (s.shape === 'flat') {
        const c = s.commandOf(value);
        if (c !== undefined && isOurCommand(c, known)) out.push(['hooks', event, i]);
        continue;
      }
      const inner = Array.isArray(value['hooks']) ? value['hooks'] : [];
      const ours = inner.map((h) => isRecord(h) && isOurCommand(s.commandOf(h) ?? '', known));
      if (ours.length > 0 && ours.every(Boolean)) out.push(['hooks', event, i]);
      else for (let j = ours.length - 1; j >= 0; j--) if (ours[j]) out.push(['hooks', event, i, 'hooks', j]);
    }
  }
  return out;
}

/** The node at `p` and the index of its entry in its parent (a property for objects). */
function locate(root: Node, p: JSONPath): { container: Node; index: number } | undefined {
  const node = findNodeAtLocation(root, p);
  if (!node?.parent) return undefined;
  const entry = node.parent.type === 'property' ? node.parent : node;
  const container = entry.parent!;
  return { container, index: (container.children ?? []).indexOf(entry) };
}

function removeAt(file: string, text: string, p: JSONPath): string {
  const at = locate(parse(file, text)!, p);
  return at ? removeChild(text, at.container, at.index) : text;
}

/** Removes our hooks, then event lists and a `hooks` object left empty by that removal. */
function removeOurs(file: string, text: string, s: AgentSettings, known: ReadonlySet<string>): string {
  const paths = ourHooks(parse(file, text), s, known, file);
  const events = new Set<string>();
  for (const p of paths) {
    text = removeAt(file, text, p);
    events.add(p[1] as string);
  }
  for (const event of events) {
    // A group whose hooks all went is itself removed by ourHooks; an emptied event list goes here.
    const list = findNodeAtLocation(parse(file, text)!, ['hooks', event]);
    if (list && list.type === 'array' && (list.children ?? []).length === 0) text = removeAt(file, text, ['hooks', event]);
  }
  const hooks = paths.length > 0 ? findNodeAtLocation(parse(file, text)!, ['hooks']) : undefined;
  if (hooks && hooks.type === 'object' && (hooks.children ?? []).length === 0) text = removeAt(file, text, ['hooks']);
  return text;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The file text with exactly our entries for `command`; unchanged text when they are already there. */
export function mergeAgentSettings(file: string, text: string | undefined, agent: HookAgent, command: string, known: ReadonlySet<string> = new Set()): string {
  const s = AGENT_SETTINGS[agent];
  const wanted = s.entries(command);
  const root = text === undefined ? undefined : parse(file, text);
  if (text !== undefined && root) {
    // Already installed with this command: leave the file byte for byte as it is.
    const present = ourHooks(root, s, new Set([...known, command]), file).map((p) => getNodeValue(findNodeAtLocation(root, p)!) as unknown);
    const expected = Object.values(wanted);
    if (present.length === expected.length && expected.every((e) => present.some((p) => sameJson(p, e)))) return text;
  }
  let out = text !== undefined && root ? removeOurs(file, text, s, new Set([...known, command])) : `${JSON.stringify(s.base, null, 2)}\n`;
  if (out.trim() === '') out = `{}${layout(out).eol}`;
  for (const [key, value] of Object.entries(s.base)) {
    const tree = parse(file, out)!;
    if (findNodeAtLocation(tree, [key]) === undefined) out = append(out, tree, value, key);
  }
  for (const [event, entry] of Object.entries(wanted)) {
    const tree = parse(file, out)!;
    const hooks = findNodeAtLocation(tree, ['hooks']);
    if (!hooks) {
      out = append(out, tree, { [event]: [entry] }, 'hooks');
      continue;
    }
    if (hooks.type !== 'object') throw new AgentSettingsError(`${file}: "hooks" is not an object; not changed`);
    const list = findNodeAtLocation(tree, ['hooks', event]);
    if (list && list.type !== 'array') throw new AgentSettingsError(`${file}: "hooks.${event}" is not an array; not changed`);
    out = list ? append(out, list, entry) : append(out, hooks, [entry], event);
  }
  return out;
}

/** The file text without our entries (undefined: the file held nothing else and can go). */
export function unmergeAgentSettings(file: string, text: string, agent: HookAgent, known: ReadonlySet<string> = new Set()): string | undefined {
  const s = AGENT_SETTINGS[agent];
  const out = removeOurs(file, text, s, known);
  if (out === text) return text;
  const value: unknown = getNodeValue(parse(file, out)!);
  return sameJson(value, s.base) || sameJson(value, {}) ? undefined : out;
}


async function writeAtomic(file: string, text: string): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, text);
  await fsp.rename(tmp, file);
}

async function manifestFile(repoRoot: string): Promise<string> {
  return path.join(stateDir(await discoverRepo(repoRoot)), 'agent-hooks.json');
}

async function readManifest(file: string): Promise<Set<string>> {
  try {
    const v: unknown = JSON.parse(await fsp.readFile(file, 'utf8'));
    return new Set(isRecord(v) && Array.isArray(v['commands']) ? v['commands'].filter((c): c is string => typeof c === 'string') : []);
  } catch {
    return new Set();
  }
}

/**
 * Adds our hook entries to the project settings of each agent (idempotent). `cliCommand` is how the agent should
 * start the CLI, e.g. `npx --no-install ai-provenance` or `node "/abs/dist/cli.js"`. Returns the repository-relative
 * paths of the files it changed. Nothing is written when any file cannot be merged.
 */
export async function installAgentHooks(repoRoot: string, agents: string[], cliCommand: string): Promise<string[]> {
  const unknown = agents.filter((a) => !isHookAgent(a));
  if (unknown.length > 0) throw new AgentSettingsError(`unknown agent ${unknown.map((a) => `'${a}'`).join(', ')} (one of ${HOOK_AGENTS.join(', ')})`);
  if (cliCommand.trim() === '' || /[\r\n]/.test(cliCommand)) throw new AgentSettingsError('the command that starts ai-provenance must be one non-empty line');
  const manifest = await manifestFile(repoRoot);
  const known = await readManifest(manifest);
  const planned: { file: string; rel: string; text: string }[] = [];
  const commands: string[] = [];
  for (const agent of [...new Set(agents)] as HookAgent[]) {
    const rel = AGENT_SETTINGS[agent].file;
    const file = path.join(repoRoot, ...rel.split('/'));
    const command = `${cliCommand.trim()} hook ${agent}`;
    commands.push(command);
    const before = await readOptional(file);
    const after = mergeAgentSettings(rel, before, agent, command, known);
    if (after !== before) planned.push({ file, rel, text: after });
  }
  // Remember exactly what we wrote, so uninstall finds it whatever the command looks like.
  await writeAtomic(manifest, `${JSON.stringify({ commands: [...new Set([...known, ...commands])] }, null, 2)}\n`);
  for (const p of planned) await writeAtomic(p.file, p.text);
  return planned.map((p) => p.rel);
}

/** Removes every entry install added (and files that held nothing else); returns the repository-relative paths changed. */
export async function uninstallAgentHooks(repoRoot: string): Promise<string[]> {
  const manifest = await manifestFile(repoRoot);
  const known = await readManifest(manifest);
  const planned: { file: string; rel: string; text: string | undefined }[] = [];
  for (const agent of HOOK_AGENTS) {
    const rel = AGENT_SETTINGS[agent].file;
    const file = path.join(repoRoot, ...rel.split('/'));
    const before = await readOptional(file);
    if (before === undefined) continue;
    const after = unmergeAgentSettings(rel, before, agent, known);
    if (after !== before) planned.push({ file, rel, text: after });
  }
  for (const p of planned) {
    if (p.text === undefined) {
      await fsp.rm(p.file, { force: true });
      // Leave no empty settings folder behind (.github/hooks, then .github), but never one that holds anything else.
      const dirs = p.rel.split('/').slice(0, -1);
      for (let n = dirs.length; n > 0; n--) {
        const removed = await fsp.rmdir(path.join(repoRoot, ...dirs.slice(0, n))).then(
          () => true,
          () => false,
        );
        if (!removed) break;
      }
    } else {
      await writeAtomic(p.file, p.text);
    }
  }
  await fsp.rm(manifest, { force: true });
  return planned.map((p) => p.rel);
}
