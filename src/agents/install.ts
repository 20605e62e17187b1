// Writes and removes the hook entries that call `ai-provenance hook <agent>` in each agent's project settings,
// merging with what is there: edits located with jsonc-parser's syntax tree touch only our entries, so the user's
// other hooks, keys, comments and formatting stay byte for byte.
import { promises as fsp, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type JSONPath, type Node, type ParseError } from 'jsonc-parser';
import { discoverRepo, stateDir } from '../git/repo';
import { shQuote } from '../git/hookScripts';
import { atomicWrite, readOptional } from '../git/fsAtomic';
import { HOOK_AGENTS, isHookAgent, type HookAgent } from './index';

/** Seconds (milliseconds for Gemini) an agent waits for the hook; it finishes in a fraction of that. */
const TIMEOUT_S = 10;

/** The project's own copy of the CLI, relative to the repository root (where npm puts a dependency's bin). */
export const LOCAL_CLI = 'node_modules/ai-provenance/dist/cli.js';

/**
 * Where the hook command finds the CLI. `local`: the project's own copy at LOCAL_CLI, which every clone of the
 * project has once its dependencies are installed (the settings files are committed and shared). Otherwise the
 * absolute path of the copy that ran install.
 */
export type CliLocation = { readonly local: true } | { readonly local: false; readonly cliPath: string };

/**
 * Prefix for commands a POSIX shell runs. Node parses a CA bundle named in NODE_EXTRA_CA_CERTS at every start-up
 * (a system bundle: tens of milliseconds, about as long as the whole hook otherwise takes); the hook opens no network
 * connection, and git, the only program it starts, ignores the variable, so the value is not handed on. An empty
 * value makes Node load no bundle. cmd.exe and PowerShell have no `VAR= command` form: commands they run go without.
 */
const NO_CA = 'NODE_EXTRA_CA_CERTS= ';

/** A path in double quotes, with the characters a POSIX shell expands there escaped. */
function shellQuoted(p: string): string {
  return `"${p.replace(/(["\\$`])/g, '\\$1')}"`;
}

/** `node <cli> hook <agent>`; `localPath` names the project's copy from where the agent runs the command. */
function nodeCommand(agent: HookAgent, at: CliLocation, localPath: string = LOCAL_CLI): string {
  return `node ${at.local ? localPath : shellQuoted(at.cliPath)} hook ${agent}`;
}

type Shape = 'grouped' | 'flat';

interface AgentSettings {
  /** Settings file, relative to the repository root. */
  readonly file: string;
  /** Top-level keys of a file we create. */
  readonly base: Record<string, unknown>;
  /** `grouped`: hooks.<Event>[] = {matcher, hooks: [{command}]} (Claude style); `flat`: hooks.<event>[] = {command}. */
  readonly shape: Shape;
  /** Event name → the entry to add for the CLI at `at`. */
  entries(at: CliLocation): Record<string, Record<string, unknown>>;
}

// How each agent runs a command, which decides how ours names the CLI:
// - Claude Code: `sh -c` (Git Bash on Windows) in the session's current directory, which follows Claude's `cd` into
//   subdirectories; CLAUDE_PROJECT_DIR names the project root.
// - Codex: `$SHELL -lc` in the session's directory, maybe a subdirectory, with no variable naming the project root,
//   so git names it. On Windows cmd.exe runs `commandWindows` instead: no `VAR=`, no `$(…)`; npx finds the project's
//   copy from any subdirectory there, at npx's start-up cost.
// - Gemini CLI: `bash -c`, or PowerShell on Windows, with the same string, so no `VAR=`. It reads project settings
//   only from the directory it was started in and runs hooks there, so the path is relative to it.
//   ($GEMINI_PROJECT_DIR names that same directory, but Gemini pastes it into the command shell-quoted, which breaks
//   inside double quotes: always under PowerShell, for paths with spaces under bash.)
// - Cursor: project hooks run from the project root, through PowerShell on Windows.
// - Copilot: separate `bash` and `powershell` strings; `cwd` is relative to the repository root.
const COMMANDS: Readonly<Record<HookAgent, (at: CliLocation) => Record<string, string>>> = {
  // Where CLAUDE_PROJECT_DIR is missing (reported for some versions, and for other agents that read this file), git
  // names the root; only then is git started.
  'claude-code': (at) => ({ command: NO_CA + nodeCommand('claude-code', at, `"\${CLAUDE_PROJECT_DIR:-$(git rev-parse --show-toplevel)}/${LOCAL_CLI}"`) }),
  // Wrapped in `sh -c`: Codex runs it through the user's login shell, which may be fish, tcsh or nushell.
  codex: (at) => ({
    command: `sh -c ${shQuote(NO_CA + nodeCommand('codex', at, `"$(git rev-parse --show-toplevel)/${LOCAL_CLI}"`))}`,
    commandWindows: at.local ? 'npx --no-install ai-provenance hook codex' : nodeCommand('codex', at),
  }),
  'gemini-cli': (at) => ({ command: nodeCommand('gemini-cli', at) }),
  cursor: (at) => ({ command: nodeCommand('cursor', at) }),
  copilot: (at) => ({ bash: NO_CA + nodeCommand('copilot', at), powershell: nodeCommand('copilot', at) }),
  // Kiro CLI runs hook commands through a shell in the session's directory, which may be a subdirectory: git names the root.
  kiro: (at) => ({ command: `sh -c ${shQuote(NO_CA + nodeCommand('kiro', at, `"$(git rev-parse --show-toplevel)/${LOCAL_CLI}"`))}` }),
};

/** The command strings of our hook for `agent`, by the field of the hook object each goes in (what install writes). */
export function hookCommands(agent: HookAgent, at: CliLocation): Readonly<Record<string, string>> {
  return COMMANDS[agent](at);
}

/** Fields of a hook object that hold a command, across the agents. */
const COMMAND_FIELDS = ['command', 'commandWindows', 'bash', 'powershell'] as const;

const claudeLike = (agent: HookAgent, matcher: string, events: readonly [string, string], extra: Record<string, unknown>) => (at: CliLocation) => {
  const group = { matcher, hooks: [{ type: 'command', ...COMMANDS[agent](at), ...extra }] };
  return { [events[0]]: group, [events[1]]: group };
};

const flat = (agent: HookAgent, events: readonly string[], entry: (commands: Record<string, string>, at: CliLocation) => Record<string, unknown>) => (at: CliLocation) => {
  const e = entry(COMMANDS[agent](at), at);
  return Object.fromEntries(events.map((event) => [event, e]));
};

export const AGENT_SETTINGS: Readonly<Record<HookAgent, AgentSettings>> = {
  // code.claude.com/docs/en/hooks: matcher groups per event; NotebookEdit is not tracked.
  'claude-code': {
    file: '.claude/settings.json',
    base: {},
    shape: 'grouped',
    entries: claudeLike('claude-code', 'Write|Edit|MultiEdit|Bash', ['PreToolUse', 'PostToolUse'], { timeout: TIMEOUT_S }),
  },
  // developers.openai.com/codex/hooks: same shape as Claude Code; apply_patch and Bash are the tools that write.
  codex: {
    file: '.codex/hooks.json',
    base: {},
    shape: 'grouped',
    entries: claudeLike('codex', 'apply_patch|Bash', ['PreToolUse', 'PostToolUse'], { timeout: TIMEOUT_S }),
  },
  // google-gemini/gemini-cli docs/hooks/reference.md: timeout in milliseconds, `name` identifies the hook in logs.
  'gemini-cli': {
    file: '.gemini/settings.json',
    base: {},
    shape: 'grouped',
    entries: claudeLike('gemini-cli', 'write_file|replace|run_shell_command', ['BeforeTool', 'AfterTool'], { name: 'ai-provenance', timeout: TIMEOUT_S * 1000 }),
  },
  // cursor.com/docs/agent/hooks: {version: 1, hooks: {<event>: [{command}]}}; preToolUse only gates file edits (§12).
  cursor: {
    file: '.cursor/hooks.json',
    base: { version: 1 },
    shape: 'flat',
    entries: flat('cursor', ['preToolUse', 'afterFileEdit', 'afterTabFileEdit', 'beforeShellExecution', 'afterShellExecution'], (c) => ({ ...c, timeout: TIMEOUT_S })),
  },
  // docs.github.com Copilot hooks reference: {version: 1, hooks: {<event>: [{type, bash, powershell, cwd, timeoutSec}]}}.
  copilot: {
    file: '.github/hooks/ai-provenance.json',
    base: { version: 1 },
    shape: 'flat',
    // Where `cwd` is left out, the hook runs in the session's directory, from which the relative path would not resolve.
    entries: flat('copilot', ['preToolUse', 'postToolUse'], (c, at) => ({ type: 'command', ...c, ...(at.local ? { cwd: '.' } : {}), timeoutSec: TIMEOUT_S })),
  },
  // kiro.dev/docs/cli/hooks and the agent configuration reference: hooks live in an agent definition
  // (.kiro/agents/<name>.json) as hooks.<event>[] = {command, matcher}; without a matcher a hook sees every tool. The
  // agent install creates has every tool and the project's MCP servers: start Kiro CLI with `--agent ai-provenance`,
  // or copy its hooks into the team's own agent.
  kiro: {
    file: '.kiro/agents/ai-provenance.json',
    base: { name: 'ai-provenance', description: 'The default tools, with AI Provenance recording edits and guarding critical paths', tools: ['*'], includeMcpJson: true },
    shape: 'flat',
    entries: flat('kiro', ['preToolUse', 'postToolUse'], (c) => ({ ...c, timeout_ms: TIMEOUT_S * 1000 })),
  },
};

export class AgentSettingsError extends Error {
  override name = 'AgentSettingsError';
}

const AGENT_NAMES = HOOK_AGENTS.join('|');
const OUR_COMMAND = new RegExp(`\\bhook\\s+(${AGENT_NAMES})'?\\s*$`);
// The absolute-path form install writes, with or without the prefix and the `sh -c` wrapper: found even where the
// manifest does not list it, since the settings files are committed and the manifest (under .git) is not, and an
// earlier version wrote it without the prefix. Ours only where that path is this package's CLI: another tool may
// name its own cli.js the same way.
const OUR_NODE_COMMAND = new RegExp(`^(?:sh -c ')?(?:NODE_EXTRA_CA_CERTS= )?node "((?:[^"\\\\]|\\\\.)*/dist/cli\\.js)" hook (?:${AGENT_NAMES})'?$`);

function isOurCommand(command: string, known: ReadonlySet<string>): boolean {
  if (known.has(command) || (command.includes('ai-provenance') && OUR_COMMAND.test(command))) return true;
  const m = OUR_NODE_COMMAND.exec(command.replace(/'\\''/g, "'"));
  return m !== null && isThisPackage(m[1]!.replace(/\\(.)/g, '$1'));
}

/** Whether `cli` is dist/cli.js of an ai-provenance package (its package.json says so). */
function isThisPackage(cli: string): boolean {
  try {
    const pkg: unknown = JSON.parse(readFileSync(path.join(path.dirname(path.dirname(cli)), 'package.json'), 'utf8'));
    return isRecord(pkg) && pkg['name'] === 'ai-provenance';
  } catch {
    return false;
  }
}

/** A hook object is ours when any of its command fields holds one of our commands. */
function isOurHook(hook: Record<string, unknown>, known: ReadonlySet<string>): boolean {
  return COMMAND_FIELDS.some((f) => {
    const c = hook[f];
    return typeof c === 'string' && isOurCommand(c, known);
  });
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
        if (isOurHook(value, known)) out.push(['hooks', event, i]);
        continue;
      }
      const inner = Array.isArray(value['hooks']) ? value['hooks'] : [];
      const ours = inner.map((h) => isRecord(h) && isOurHook(h, known));
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

/** The file text with exactly our entries for the CLI at `at`; unchanged text when they are already there. */
export function mergeAgentSettings(file: string, text: string | undefined, agent: HookAgent, at: CliLocation, known: ReadonlySet<string> = new Set()): string {
  const s = AGENT_SETTINGS[agent];
  const wanted = s.entries(at);
  const ours = new Set([...known, ...Object.values(hookCommands(agent, at))]);
  const root = text === undefined ? undefined : parse(file, text);
  if (text !== undefined && root) {
    // Already installed with this command: leave the file byte for byte as it is.
    const present = ourHooks(root, s, ours, file).map((p) => getNodeValue(findNodeAtLocation(root, p)!) as unknown);
    const expected = Object.values(wanted);
    if (present.length === expected.length && expected.every((e) => present.some((p) => sameJson(p, e)))) return text;
  }
  let out = text !== undefined && root ? removeOurs(file, text, s, ours) : `${JSON.stringify(s.base, null, 2)}\n`;
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
  await atomicWrite(file, text);
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
 * Adds our hook entries to the project settings of each agent (idempotent), starting the CLI at `at`. Returns the
 * repository-relative paths of the files it changed. Nothing is written when any file cannot be merged.
 */
export async function installAgentHooks(repoRoot: string, agents: string[], at: CliLocation): Promise<string[]> {
  return (await planAgentHooks(repoRoot, agents, at)).apply();
}

/**
 * Reads and merges every settings file installAgentHooks would write, writing nothing: a file that cannot be merged
 * throws here, so a caller can check before it changes anything else. `apply` writes them.
 */
export async function planAgentHooks(repoRoot: string, agents: string[], at: CliLocation): Promise<{ apply(): Promise<string[]> }> {
  const unknown = agents.filter((a) => !isHookAgent(a));
  if (unknown.length > 0) throw new AgentSettingsError(`unknown agent ${unknown.map((a) => `'${a}'`).join(', ')} (one of ${HOOK_AGENTS.join(', ')})`);
  if (!at.local && (at.cliPath === '' || /[\r\n]/.test(at.cliPath))) throw new AgentSettingsError('the path of the ai-provenance CLI must be one non-empty line');
  const manifest = await manifestFile(repoRoot);
  const known = await readManifest(manifest);
  const planned: { file: string; rel: string; before: string | undefined; text: string }[] = [];
  const commands: string[] = [];
  for (const agent of [...new Set(agents)] as HookAgent[]) {
    const rel = AGENT_SETTINGS[agent].file;
    const file = path.join(repoRoot, ...rel.split('/'));
    commands.push(...Object.values(hookCommands(agent, at)));
    const before = await readOptional(file);
    const after = mergeAgentSettings(rel, before, agent, at, known);
    if (after !== before) planned.push({ file, rel, before, text: after });
  }
  return {
    async apply() {
      // Merged from what the files held when planned: an edit made since must not be overwritten.
      for (const p of planned) {
        if ((await readOptional(p.file)) !== p.before) throw new AgentSettingsError(`${p.rel} changed while installing; nothing of it was written: run install again`);
      }
      // Remember exactly what we wrote, so uninstall finds it whatever the command looks like.
      await writeAtomic(manifest, `${JSON.stringify({ commands: [...new Set([...known, ...commands])] }, null, 2)}\n`);
      for (const p of planned) await writeAtomic(p.file, p.text);
      return planned.map((p) => p.rel);
    },
  };
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
