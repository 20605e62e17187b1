// Runs one accuracy scenario for real: a temporary git repository with the hooks `ai-provenance install` writes,
// agent hook payloads (the documented shapes of test/fixtures/agents) fed to `node dist/cli.js hook <agent>`, a
// person's edits written with fs (or saved in the editor, through the extension's save recorder), real git commands; then reads every line back through `ai-provenance blame --json`
// and the AI-Lines trailer of every commit, and compares them with what a user expects.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SaveRecorder } from '../../src/extension/saveRecorder';
import { discoverRepo, stateDir } from '../../src/git/repo';

export const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/agents');

export type Agent = 'claude-code' | 'cursor' | 'codex' | 'gemini-cli';
export type Kind = 'ai' | 'mixed' | 'human';

/** The classes of attribution error the corpus measures, and the everyday flows around them. */
export const CLASSES = {
  moved: 'moved AI code keeps its author',
  finish: 'every way of finishing a squash, merge, cherry-pick or revert gets the right trailers',
  replace: 'a replacement that changes the number of lines is AI, not mixed',
  'edit-committed': "a person's edit to a committed AI line is mixed",
  'short-lines': 'short AI lines next to a person edit keep their author',
  'missing-post': 'a missing after-edit event is recorded when certain',
  discarded: 'discarded AI edits are forgotten',
  'shell-person': 'a file a person saves during an agent command stays human',
  retype: 'a line a person retypes is human, a touch-up mixed',
  basic: 'single agent edits and writes',
  created: 'files created by agents',
  deleted: 'deleted lines',
  formatter: 'formatters rewriting whitespace',
  crlf: 'CRLF files',
  unicode: 'unicode text',
  rename: 'renamed files (git mv)',
  stash: 'stash and stash pop',
  worktree: 'linked worktrees',
  interleaved: 'two agents and a person interleaved',
  amend: 'amended commits',
  rebase: 'rebased commits',
  shell: 'files an agent command writes',
} as const;
export type ClassId = keyof typeof CLASSES;

export interface Scenario {
  readonly name: string;
  /** The class the scenario tests (the first) and any others it touches. */
  readonly classes: readonly ClassId[];
  /** Files a person commits as `initial` before anything else (hooks already installed). */
  readonly initial?: Readonly<Record<string, string>>;
  readonly run: (s: Session) => Promise<void>;
  /**
   * The expected kind and agent of every line of these files at the end, one `tag | text` line per file line:
   * tag `h` (human), or an agent code (`cc` claude-code, `cu` cursor, `cx` codex, `gm` gemini-cli) for `ai`, with
   * `~` after it for `mixed`. The text is checked against the file, so a scenario that does not do what it says fails
   * as a scenario error, not as a product error. Paths are relative to the repository (`../` reaches beside it);
   * every file of the repository at the end must be named.
   */
  readonly expect: Readonly<Record<string, string>>;
  /** The expected AI-Lines trailer value (null: no trailer) of every commit on a branch at the end, by subject. */
  readonly commits?: Readonly<Record<string, string | null>>;
}

const AGENT_CODES: Record<string, Agent> = { cc: 'claude-code', cu: 'cursor', cx: 'codex', gm: 'gemini-cli' };

export interface LineTruth {
  readonly kind: Kind;
  readonly agent?: Agent;
  readonly text: string;
}

/** The expectation of a file every line of which a person wrote. */
export function human(text: string): string {
  return text.split(/\r\n|\r|\n/).slice(0, text.endsWith('\n') ? -1 : undefined).map((l) => `h | ${l}`).join('\n');
}

/** Parses an annotated expectation (see Scenario.expect). */
export function parseExpectation(annotated: string): LineTruth[] {
  const rows = annotated.split('\n');
  while (rows.length > 0 && rows[0]!.trim() === '') rows.shift();
  while (rows.length > 0 && rows[rows.length - 1]!.trim() === '') rows.pop();
  return rows.map((row) => {
    const bar = row.indexOf('|');
    if (bar < 0) throw new Error(`expectation line without '|': ${JSON.stringify(row)}`);
    const tag = row.slice(0, bar).trim();
    let text = row.slice(bar + 1);
    if (text.startsWith(' ')) text = text.slice(1);
    if (tag === 'h') return { kind: 'human' as const, text };
    const mixed = tag.endsWith('~');
    const agent = AGENT_CODES[mixed ? tag.slice(0, -1) : tag];
    if (!agent) throw new Error(`unknown tag '${tag}' in expectation line ${JSON.stringify(row)}`);
    return { kind: mixed ? ('mixed' as const) : ('ai' as const), agent, text };
  });
}

export interface LineResult {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly expected: { kind: Kind; agent?: Agent };
  readonly actual: { kind: Kind; agent?: string };
}

export interface CommitResult {
  readonly subject: string;
  readonly expected: string | null;
  /** undefined: no commit with this subject is on a branch. */
  readonly actual: string | null | undefined;
}

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly lines: LineResult[];
  readonly commits: CommitResult[];
  /** The scenario could not run as written (a git command failed, a file does not match its expectation, …). */
  readonly error?: string;
  /** Hook calls that broke the agents' contract (exit status 0, nothing on stdout). */
  readonly hookProblems: string[];
}

export interface HarnessOptions {
  /** dist/ holding cli.js. */
  readonly dist: string;
  /** Folder for the CLI's code cache, shared by every scenario. */
  readonly cacheDir: string;
  readonly keep?: boolean;
}

interface Proc {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function exec(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, input?: string): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

let toolCalls = 0;

/** What a scenario does: agents through their hooks, a person through the file system, git for real. */
export class Session {
  readonly hookProblems: string[] = [];
  /** Where git, the person and the agents work; `at` switches it to a linked worktree. */
  cwd: string;

  constructor(
    readonly base: string,
    readonly repo: string,
    readonly env: NodeJS.ProcessEnv,
    readonly cli: string,
  ) {
    this.cwd = repo;
  }

  /** Absolute path of `rel` in the current working folder. */
  abs(rel: string): string {
    return path.resolve(this.cwd, rel);
  }

  async git(...args: string[]): Promise<string> {
    const r = await exec('git', args, this.cwd, this.env);
    if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** `git commit -q -m SUBJECT` plus `extra` arguments; the hooks installed by `ai-provenance install` run. */
  async commit(subject: string, ...extra: string[]): Promise<void> {
    await this.git('commit', '-q', '-m', subject, ...extra);
  }

  /** Stages everything and commits. */
  async commitAll(subject: string): Promise<void> {
    await this.git('add', '-A');
    await this.commit(subject);
  }

  /** The CLI itself (e.g. `status`), as a user runs it. */
  async cliRun(...args: string[]): Promise<Proc> {
    return exec(process.execPath, [this.cli, ...args], this.cwd, this.env);
  }

  /** Runs a shell command in the working folder (what an agent's shell tool or a person's terminal does). */
  async sh(command: string): Promise<string> {
    const r = await exec('sh', ['-c', command], this.cwd, this.env);
    if (r.code !== 0) throw new Error(`sh -c ${JSON.stringify(command)} failed (${r.code}): ${r.stderr.trim()}`);
    return r.stdout;
  }

  read(rel: string): string {
    return readFileSync(this.abs(rel), 'utf8');
  }

  // --- the person, writing with fs as an editor without our extension or a terminal tool would

  /** The person saves `text` into `rel`. */
  write(rel: string, text: string): void {
    mkdirSync(path.dirname(this.abs(rel)), { recursive: true });
    writeFileSync(this.abs(rel), text);
  }

  /** The person replaces the one occurrence of `from` in `rel` with `to`. */
  replace(rel: string, from: string, to: string): void {
    this.write(rel, replaceOnce(this.read(rel), from, to, rel));
  }

  remove(rel: string): void {
    unlinkSync(this.abs(rel));
  }

  // --- the person, saving in VS Code with the extension, whose save recorder notes every save of a file on disk

  private readonly saves = new SaveRecorder({
    repoFor: async (fsPath) => {
      const repo = await discoverRepo(path.dirname(fsPath));
      return { root: repo.root, stateDir: stateDir(repo), gitDir: repo.gitDir, commonDir: repo.commonDir };
    },
    canWrite: () => true,
    warn: (line) => this.hookProblems.push(`save recorder: ${line}`),
  });

  /** The person saves `text` into `rel` in the editor. */
  async save(rel: string, text: string): Promise<void> {
    this.write(rel, text);
    await this.saves.saved(this.abs(rel), text);
  }

  /** The person replaces the one occurrence of `from` in `rel` with `to` in the editor, and saves. */
  async saveReplace(rel: string, from: string, to: string): Promise<void> {
    await this.save(rel, replaceOnce(this.read(rel), from, to, rel));
  }

  // --- agents, each through its own documented hook payloads

  /** Feeds one payload to `ai-provenance hook <agent>`; the agents' contract is exit 0 and silence on stdout. */
  async hook(agent: Agent, payload: unknown): Promise<void> {
    const r = await exec(process.execPath, [this.cli, 'hook', agent], this.cwd, this.env, JSON.stringify(payload));
    const event = (payload as Record<string, unknown>)['hook_event_name'];
    if (r.code !== 0 || r.stdout !== '') this.hookProblems.push(`${agent} ${String(event)}: exit ${r.code}, stdout ${JSON.stringify(r.stdout)}, stderr ${JSON.stringify(r.stderr)}`);
  }

  /** A fixture payload with this session's paths filled in, as an object to adjust. */
  payload(agent: string, name: string, command = ''): Record<string, any> {
    const inString = (s: string): string => JSON.stringify(s).slice(1, -1);
    const raw = readFileSync(path.join(FIXTURES, agent, `${name}.json`), 'utf8')
      .split('${REPO}')
      .join(inString(this.cwd))
      .split('${TRANSCRIPT}')
      .join(inString(path.join(this.base, 'no-transcript.jsonl')))
      .split('${COMMAND}')
      .join(inString(command));
    return JSON.parse(raw) as Record<string, any>;
  }

  readonly claude = {
    /** Claude Code `Edit`: PreToolUse, the file changed on disk, PostToolUse (left out with `post: false`). */
    edit: async (rel: string, oldString: string, newString: string, opts: { post?: boolean; replaceAll?: boolean } = {}): Promise<void> => {
      const id = `toolu_${++toolCalls}`;
      const input = { file_path: this.abs(rel), old_string: oldString, new_string: newString, replace_all: opts.replaceAll ?? false };
      await this.hook('claude-code', { ...this.payload('claude-code', 'pre-edit'), tool_input: input, tool_use_id: id });
      const text = this.read(rel);
      this.write(rel, opts.replaceAll ? text.split(oldString).join(newString) : replaceOnce(text, oldString, newString, rel));
      if (opts.post === false) return;
      await this.hook('claude-code', { ...this.payload('claude-code', 'post-edit'), tool_input: input, tool_use_id: id, tool_response: { filePath: this.abs(rel), success: true } });
    },
    /** Claude Code `Write` of a whole file. */
    write: async (rel: string, content: string, opts: { post?: boolean } = {}): Promise<void> => {
      const id = `toolu_${++toolCalls}`;
      const input = { file_path: this.abs(rel), content };
      await this.hook('claude-code', { ...this.payload('claude-code', 'pre-write'), tool_input: input, tool_use_id: id });
      this.write(rel, content);
      if (opts.post === false) return;
      await this.hook('claude-code', { ...this.payload('claude-code', 'post-write'), tool_input: input, tool_use_id: id, tool_response: { filePath: this.abs(rel), success: true } });
    },
    /** Claude Code `MultiEdit`: the edits apply in order. */
    multiEdit: async (rel: string, edits: Array<[string, string]>): Promise<void> => {
      const id = `toolu_${++toolCalls}`;
      const input = { file_path: this.abs(rel), edits: edits.map(([o, n]) => ({ old_string: o, new_string: n })) };
      await this.hook('claude-code', { ...this.payload('claude-code', 'pre-multiedit'), tool_input: input, tool_use_id: id });
      let text = this.read(rel);
      for (const [o, n] of edits) text = replaceOnce(text, o, n, rel);
      this.write(rel, text);
      await this.hook('claude-code', { ...this.payload('claude-code', 'post-multiedit'), tool_input: input, tool_use_id: id, tool_response: { filePath: this.abs(rel), success: true } });
    },
    /** Claude Code `Bash`: PreToolUse, the command really run, `during` (a person's save while it runs), PostToolUse. */
    bash: async (command: string, during?: () => void | Promise<void>): Promise<void> => {
      const id = `toolu_${++toolCalls}`;
      const input = { command, description: 'Run the command' };
      await this.hook('claude-code', { ...this.payload('claude-code', 'pre-bash'), tool_input: input, tool_use_id: id });
      const out = await this.sh(command);
      await during?.();
      await this.hook('claude-code', { ...this.payload('claude-code', 'post-bash'), tool_input: input, tool_use_id: id, tool_response: { stdout: out, stderr: '', interrupted: false, isImage: false } });
    },
  };

  readonly cursor = {
    /** Cursor agent edit: the file changed on disk, then `afterFileEdit` (Cursor sends no before-event for it). */
    edit: async (rel: string, oldString: string, newString: string): Promise<void> => {
      this.write(rel, replaceOnce(this.read(rel), oldString, newString, rel));
      await this.hook('cursor', { ...this.payload('cursor', 'after-file-edit'), generation_id: `gen-${++toolCalls}`, file_path: this.abs(rel), edits: [{ old_string: oldString, new_string: newString }] });
    },
    /** Cursor `beforeShellExecution`, the command, `during`, `afterShellExecution`. */
    shell: async (command: string, during?: () => void | Promise<void>): Promise<void> => {
      const gen = `gen-${++toolCalls}`;
      await this.hook('cursor', { ...this.payload('cursor', 'before-shell-execution'), generation_id: gen, command, cwd: this.cwd });
      const out = await this.sh(command);
      await during?.();
      await this.hook('cursor', { ...this.payload('cursor', 'after-shell-execution'), generation_id: gen, command, output: out, duration: 10 });
    },
  };

  readonly codex = {
    /** Codex `apply_patch` updating `rel`: one hunk replacing `oldText` by `newText` (common lines become context). */
    patch: async (rel: string, oldText: string, newText: string, opts: { post?: boolean } = {}): Promise<void> => {
      const next = replaceOnce(this.read(rel), oldText, newText, rel);
      await this.applyPatch(`*** Update File: ${rel}\n${hunk(oldText, newText)}`, () => this.write(rel, next), opts.post);
    },
    /** Codex `apply_patch` adding a new file. */
    add: async (rel: string, content: string): Promise<void> => {
      const body = content.split('\n').slice(0, content.endsWith('\n') ? -1 : undefined).map((l) => `+${l}\n`).join('');
      await this.applyPatch(`*** Add File: ${rel}\n${body}`, () => this.write(rel, content));
    },
    /** Codex `Bash`. */
    bash: async (command: string, during?: () => void | Promise<void>): Promise<void> => {
      const id = `call_${++toolCalls}`;
      await this.hook('codex', { ...this.payload('codex', 'pre-bash'), tool_input: { command }, tool_use_id: id });
      const out = await this.sh(command);
      await during?.();
      await this.hook('codex', { ...this.payload('codex', 'post-bash'), tool_input: { command }, tool_use_id: id, tool_response: out });
    },
  };

  private async applyPatch(body: string, onDisk: () => void, post = true): Promise<void> {
    const id = `call_${++toolCalls}`;
    const input = { command: `*** Begin Patch\n${body}*** End Patch\n` };
    await this.hook('codex', { ...this.payload('codex', 'pre-apply-patch'), tool_input: input, tool_use_id: id });
    onDisk();
    if (!post) return;
    await this.hook('codex', { ...this.payload('codex', 'post-apply-patch'), tool_input: input, tool_use_id: id, tool_response: 'Success.' });
  }

  readonly gemini = {
    /** Gemini CLI `replace`: BeforeTool, the file changed, AfterTool. */
    replace: async (rel: string, oldString: string, newString: string, opts: { post?: boolean } = {}): Promise<void> => {
      const input = { file_path: this.abs(rel), old_string: oldString, new_string: newString };
      await this.hook('gemini-cli', { ...this.payload('gemini-cli', 'before-replace'), tool_input: input });
      this.write(rel, replaceOnce(this.read(rel), oldString, newString, rel));
      if (opts.post === false) return;
      await this.hook('gemini-cli', { ...this.payload('gemini-cli', 'after-replace'), tool_input: input });
    },
    /** Gemini CLI `write_file`. */
    write: async (rel: string, content: string): Promise<void> => {
      const input = { file_path: this.abs(rel), content };
      await this.hook('gemini-cli', { ...this.payload('gemini-cli', 'before-write-file'), tool_input: input });
      this.write(rel, content);
      await this.hook('gemini-cli', { ...this.payload('gemini-cli', 'after-write-file'), tool_input: input });
    },
    /** Gemini CLI `run_shell_command`. */
    shell: async (command: string, during?: () => void | Promise<void>): Promise<void> => {
      const input = { command, description: 'Run the command' };
      await this.hook('gemini-cli', { ...this.payload('gemini-cli', 'before-run-shell-command'), tool_input: input });
      const out = await this.sh(command);
      await during?.();
      await this.hook('gemini-cli', { ...this.payload('gemini-cli', 'after-run-shell-command'), tool_input: input, tool_response: { llmContent: out, returnDisplay: out } });
    },
  };
}

function replaceOnce(text: string, from: string, to: string, rel: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`${rel}: ${JSON.stringify(from)} must occur exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** One apply_patch hunk turning the lines of `oldText` into those of `newText`, shared first and last lines as context. */
function hunk(oldText: string, newText: string): string {
  const strip = (t: string): string[] => (t === '' ? [] : t.replace(/\n$/, '').split('\n'));
  const a = strip(oldText);
  const b = strip(newText);
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let post = 0;
  while (post < a.length - pre && post < b.length - pre && a[a.length - 1 - post] === b[b.length - 1 - post]) post++;
  const out = ['@@'];
  for (const l of a.slice(0, pre)) out.push(` ${l}`);
  for (const l of a.slice(pre, a.length - post)) out.push(`-${l}`);
  for (const l of b.slice(pre, b.length - post)) out.push(`+${l}`);
  for (const l of a.slice(a.length - post)) out.push(` ${l}`);
  return out.join('\n') + '\n';
}

const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'Pat Person',
  GIT_AUTHOR_EMAIL: 'pat@example.com',
  GIT_COMMITTER_NAME: 'Pat Person',
  GIT_COMMITTER_EMAIL: 'pat@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_EDITOR: 'true',
  GIT_MERGE_AUTOEDIT: 'no',
  LC_ALL: 'C',
};

/** Runs `scenario` in a fresh temporary repository and reads back what the product recorded. */
export async function runScenario(scenario: Scenario, opts: HarnessOptions): Promise<ScenarioResult> {
  const base = mkdtempSync(path.join(tmpdir(), 'aip-accuracy-'));
  const repo = path.join(base, 'repo');
  mkdirSync(repo);
  const env: NodeJS.ProcessEnv = { ...process.env, ...GIT_IDENTITY, AI_PROVENANCE_CACHE_DIR: opts.cacheDir };
  for (const k of Object.keys(env)) if (k.startsWith('GIT_') && !(k in GIT_IDENTITY)) delete env[k];
  const s = new Session(base, repo, env, path.join(opts.dist, 'cli.js'));
  const lines: LineResult[] = [];
  const commits: CommitResult[] = [];
  try {
    await s.git('init', '-q', '-b', 'main');
    await s.git('config', 'commit.gpgsign', 'false');
    const install = await s.cliRun('install');
    if (install.code !== 0) throw new Error(`ai-provenance install failed: ${install.stderr.trim()}`);
    for (const [rel, text] of Object.entries(scenario.initial ?? {})) s.write(rel, text);
    await s.git('add', '-A');
    await s.git('commit', '-q', '--allow-empty', '-m', 'initial');
    await scenario.run(s);
    s.cwd = repo;
    // Every file of the repository is checked, so a person's file called AI anywhere counts against precision.
    const files = (await s.git('ls-files', '--cached', '--others', '--exclude-standard', '-z')).split('\0').filter((f) => f !== '' && existsSync(path.join(repo, f)));
    const unlisted = files.filter((f) => !(f in scenario.expect));
    if (unlisted.length > 0) throw new Error(`files without an expectation: ${unlisted.join(', ')}`);
    for (const [rel, annotated] of Object.entries(scenario.expect)) lines.push(...(await readLines(s, rel, annotated)));
    commits.push(...(await readCommits(s, scenario.commits ?? {})));
    return { scenario, lines, commits, hookProblems: s.hookProblems };
  } catch (err) {
    return { scenario, lines, commits, hookProblems: s.hookProblems, error: (err as Error).message };
  } finally {
    if (!opts.keep) rmSync(base, { recursive: true, force: true });
  }
}

async function readLines(s: Session, rel: string, annotated: string): Promise<LineResult[]> {
  const truth = parseExpectation(annotated);
  const file = path.resolve(s.repo, rel);
  const onDisk = readFileSync(file, 'utf8').split(/\r\n|\r|\n/);
  if (onDisk[onDisk.length - 1] === '') onDisk.pop();
  const want = truth.map((t) => t.text);
  if (JSON.stringify(onDisk) !== JSON.stringify(want)) {
    throw new Error(`${rel} does not hold the expected text:\n  on disk:  ${JSON.stringify(onDisk)}\n  expected: ${JSON.stringify(want)}`);
  }
  const r = await exec(process.execPath, [s.cli, 'blame', path.basename(file), '--json'], path.dirname(file), s.env);
  if (r.code !== 0) throw new Error(`ai-provenance blame ${rel} failed (${r.code}): ${r.stderr.trim()}`);
  const blamed = JSON.parse(r.stdout) as Array<{ line: number; kind: Kind; agent?: string }>;
  return truth.map((t, i) => {
    const b = blamed.find((x) => x.line === i + 1);
    const actual = b ? { kind: b.kind, ...(b.kind !== 'human' && b.agent ? { agent: b.agent } : {}) } : { kind: 'human' as const };
    return { file: rel, line: i + 1, text: t.text, expected: { kind: t.kind, ...(t.agent ? { agent: t.agent } : {}) }, actual };
  });
}

async function readCommits(s: Session, expected: Readonly<Record<string, string | null>>): Promise<CommitResult[]> {
  const log = await s.git('log', '--branches', '--format=%s%x1f%(trailers:key=AI-Lines,valueonly,separator=%x2c)%x1e');
  const actual = new Map<string, string | null>();
  for (const rec of log.split('\x1e')) {
    const [subject, value] = rec.replace(/^\n/, '').split('\x1f');
    if (subject === undefined || subject === '' || subject === 'initial') continue;
    if (actual.has(subject)) throw new Error(`two commits with the subject ${JSON.stringify(subject)}: give each commit its own subject`);
    const v = (value ?? '').trim();
    actual.set(subject, v === '' ? null : v);
  }
  const unexpected = [...actual.keys()].filter((k) => !(k in expected));
  if (unexpected.length > 0) throw new Error(`commits without an expectation: ${unexpected.map((k) => JSON.stringify(k)).join(', ')}`);
  return Object.entries(expected).map(([subject, want]) => ({ subject, expected: want, actual: actual.has(subject) ? actual.get(subject)! : undefined }));
}

/** Runs `scenarios` `parallel` at a time; results in the scenarios' order. */
export async function runCorpus(scenarios: readonly Scenario[], opts: HarnessOptions & { parallel: number }): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = new Array(scenarios.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < scenarios.length) {
      const i = next++;
      results[i] = await runScenario(scenarios[i]!, opts);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.parallel) }, worker));
  return results;
}
