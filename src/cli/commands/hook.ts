// `ai-provenance hook <agent>`: the receiving end of an agent's hook. Reads the hook JSON on stdin and records what the
// agent wrote. The agent parses stdout, so nothing is ever written there but the decision JSON of the guard (§12),
// and the hook exits 0 whatever happened: only the guard stops an agent, and only in the agent's documented way.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { CliIO, Command } from '../command';
import { HOOK_AGENTS, HOOK_PARSERS, isHookAgent, type HookAgent } from '../../agents/index';
import { recordEvent } from '../../agents/record';
import { PayloadError, type HookEvent } from '../../agents/types';
import { syntaxMessage } from '../../core/config';
import { terminalText } from '../../core/terminalText';

/** Larger payloads are drained and dropped: no single edit an agent reports needs this much. */
export const MAX_PAYLOAD_BYTES = 32 * 1024 * 1024;
/** An agent that never closes stdin must not hold the hook (or itself) up. */
const STDIN_TIMEOUT_MS = 5_000;

const HELP = `Usage: ai-provenance hook <agent>

Reads the hook JSON an agent sends on stdin and records the lines it wrote in the
working state. Agents: ${HOOK_AGENTS.join(', ')}.

Installed for you by 'ai-provenance install --agents ...'. Before-edit events
snapshot the file so the after-edit event attributes exactly what changed; shell
tool events attribute the files a command changed (detail "shell"), except
files saved in VS Code, or written by another agent session, while it ran.
An edit whose after-edit event never comes is recorded at a later call of
any agent once the file holds exactly the result its before-edit event
announced.

Pre-tool events are also answered for the team's guard (.ai-provenance.json):
an edit into a critical path whose rule says "agents": "ask" or "deny", or a
shell command a "commands" rule matches, gets the agent's own documented
decision JSON on stdout. That JSON is the only thing ever written to stdout.

Exits 0, and explains anything skipped in one line on stderr; only for Kiro CLI,
whose hooks document no decision JSON, a stopped tool is answered with exit
status 2 and the reason alone on stderr.
`;

type StdinResult = { kind: 'text'; text: string } | { kind: 'too-big'; bytes: number } | { kind: 'timeout' } | { kind: 'tty' };

/** Reads `stdin` to its end; `chunks` holds what was already read from it another way. */
function readStdin(stdin: NodeJS.ReadableStream, chunks = new Chunks()): Promise<StdinResult> {
  if ((stdin as { isTTY?: boolean }).isTTY) return Promise.resolve({ kind: 'tty' });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      finish({ kind: 'timeout' });
      (stdin as { destroy?: () => void }).destroy?.();
    }, STDIN_TIMEOUT_MS);
    let done = false;
    function finish(r: StdinResult): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    }
    stdin.on('data', (chunk: Buffer | string) => chunks.add(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    stdin.on('end', () => finish(chunks.result()));
    stdin.on('error', () => finish({ kind: 'timeout' }));
  });
}

/** What was read so far: drained past the limit so the agent's write never fails, but not kept. */
class Chunks {
  private readonly kept: Buffer[] = [];
  private bytes = 0;

  add(b: Buffer): void {
    this.bytes += b.length;
    if (this.bytes <= MAX_PAYLOAD_BYTES) this.kept.push(b);
  }

  result(): StdinResult {
    return this.bytes > MAX_PAYLOAD_BYTES ? { kind: 'too-big', bytes: this.bytes } : { kind: 'text', text: Buffer.concat(this.kept).toString('utf8') };
  }
}

/**
 * Reads the process's stdin by descriptor where that cannot wait: a file, or a pipe the agent already wrote and
 * closed (the usual case). Building the `process.stdin` stream loads the net stack first, a few milliseconds of
 * every agent hook; it is left for a pipe still being written to, where its timeout and `destroy` matter.
 */
function readFd(fd: number, stdin: () => NodeJS.ReadableStream): Promise<StdinResult> {
  const st = fstatSync(fd);
  const chunks = new Chunks();
  const buf = Buffer.allocUnsafe(64 * 1024);
  if (st.isFile()) {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) chunks.add(Buffer.from(buf.subarray(0, n)));
    return Promise.resolve(chunks.result());
  }
  if (st.isFIFO() && readWritten(fd, chunks, buf)) return Promise.resolve(chunks.result());
  return readStdin(stdin(), chunks);
}

/**
 * Reads what the agent has already written to a pipe on stdin without waiting, through a second,
 * non-blocking description of it (Linux's /proc/self/fd); true when that reached the end of input. Agents write the
 * payload and close, so this usually reads it all at once; otherwise the caller waits for the rest.
 */
function readWritten(fd: number, chunks: Chunks, buf: Buffer): boolean {
  if (process.platform !== 'linux') return false;
  let nb: number;
  try {
    nb = openSync(`/proc/self/fd/${fd}`, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return false;
  }
  try {
    for (;;) {
      const n = readSync(nb, buf, 0, buf.length, null);
      if (n === 0) return true;
      chunks.add(Buffer.from(buf.subarray(0, n)));
    }
  } catch {
    // EAGAIN: the writer is still there; the rest comes through the stream.
    return false;
  } finally {
    closeSync(nb);
  }
}

/** `stdin:line:col: message` for text JSON.parse rejected; the position comes from jsonc-parser, loaded only on this path. */
function jsonErrorAt(text: string, err: Error): string {
  const { parse } = require('jsonc-parser') as typeof import('jsonc-parser');
  const errors: import('jsonc-parser').ParseError[] = [];
  parse(text, errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  if (!first) return `stdin: invalid JSON: ${err.message}`;
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const col = first.offset - before.lastIndexOf('\n');
  return `stdin:${line}:${col}: invalid JSON: ${syntaxMessage(first, text)}`;
}

/** What the hook says on stderr, and its exit status: 0, or 2 where an agent's only way to be stopped is that (Kiro CLI). */
interface Outcome {
  readonly message?: string;
  readonly exitCode?: number;
}

async function run(args: readonly string[], io: Parameters<Command['run']>[1]): Promise<string | Outcome | undefined> {
  const agent = args[0];
  if (agent === undefined || !isHookAgent(agent)) {
    return `${agent === undefined ? 'missing agent' : `unknown agent '${agent}'`} (one of ${HOOK_AGENTS.join(', ')})`;
  }
  const fd = (io as CliIO & { stdinFd?: number }).stdinFd;
  const input = typeof fd === 'number' ? await readFd(fd, () => io.stdin) : await readStdin(io.stdin);
  if (input.kind === 'tty') return 'reads the hook JSON an agent sends on stdin; nothing to read from a terminal';
  if (input.kind === 'timeout') return `stdin: no end of input within ${STDIN_TIMEOUT_MS / 1000} s; nothing recorded`;
  if (input.kind === 'too-big') return `stdin: payload of ${input.bytes} bytes exceeds ${MAX_PAYLOAD_BYTES >> 20} MB; nothing recorded`;
  const text = input.text.charCodeAt(0) === 0xfeff ? input.text.slice(1) : input.text;
  if (text.trim() === '') return 'stdin: empty payload; nothing recorded';
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (err) {
    return `${jsonErrorAt(text, err as Error)}; nothing recorded`;
  }
  let event: HookEvent;
  try {
    event = HOOK_PARSERS[agent](payload);
  } catch (err) {
    if (err instanceof PayloadError) return `stdin: ${err.message}; nothing recorded`;
    throw err;
  }
  const notes: string[] = [];
  let isIgnored: ((repoPath: string) => boolean) | undefined;
  if (event.kind === 'before-edit' || event.kind === 'before-shell') {
    const decided = await decide(agent, event, io, notes);
    isIgnored = decided?.isIgnored;
    if (decided?.exitCode !== undefined) return { exitCode: decided.exitCode, message: decided.stderr };
    // Stopped: no edit follows, so there is nothing to snapshot for it.
    if (decided?.decision === 'deny' || event.gateOnly) return notes.length > 0 ? notes.join('; ') : undefined;
  }
  const result = await recordEvent(agent, event, { cwd: io.cwd, ...(isIgnored ? { isIgnored } : {}) });
  notes.push(...result.skipped);
  return notes.length > 0 ? notes.join('; ') : undefined;
}

/**
 * Answers a pre-tool event for the critical paths and command rules (§12): the agent's own decision JSON on stdout,
 * the only thing this command ever prints there. A guard that fails lets the agent go on (its own permission rules
 * still apply) and says so in one line: it never blocks an agent forever, and never lets an edit through silently.
 */
async function decide(
  agent: HookAgent,
  event: Extract<HookEvent, { kind: 'before-edit' | 'before-shell' }>,
  io: CliIO,
  notes: string[],
): Promise<{ decision?: 'ask' | 'deny'; exitCode?: number; stderr?: string; isIgnored?: (repoPath: string) => boolean } | undefined> {
  try {
    const { guardEvent } = require('../../agents/guard') as typeof import('../../agents/guard');
    const result = await guardEvent(event, io.cwd);
    notes.push(...result.notes);
    const isIgnored = result.isIgnored;
    if (!result.decision) return isIgnored ? { isIgnored } : undefined;
    const { decisionAnswer } = require('../../agents/decisions') as typeof import('../../agents/decisions');
    const answer = decisionAnswer(agent, event.gate, result.decision);
    if ('exitCode' in answer) return { decision: result.decision.decision, exitCode: answer.exitCode, stderr: answer.stderr };
    io.stdout.write(`${answer.stdout}\n`);
    notes.push(result.decision.reason);
    return { decision: result.decision.decision, ...(isIgnored ? { isIgnored } : {}) };
  } catch (err) {
    notes.push(`guard failed, the agent was not stopped: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

export const command: Command = {
  help: HELP,
  async run(args, io) {
    let outcome: Outcome;
    try {
      const r = await run(args, io);
      outcome = typeof r === 'string' ? { message: r } : (r ?? {});
    } catch (err) {
      outcome = { message: `internal error: ${err instanceof Error ? err.message : String(err)}` };
    }
    const { message, exitCode = 0 } = outcome;
    // Blocked by exit status: the agent hands stderr to its model as the reason, so it is the reason alone.
    // Paths and config text may hold characters a terminal would act on: shown escaped, one line.
    const line = terminalText(message?.replace(/\s*\n\s*/g, ' ') ?? '');
    if (message !== undefined) io.stderr.write(exitCode !== 0 ? `${line}\n` : `ai-provenance hook${args[0] ? ` ${terminalText(args[0])}` : ''}: ${line}\n`);
    return exitCode;
  },
};
