// Entry point of the `ai-provenance` command. Commands load lazily so that hooks start fast.
import type { CliIO, Command } from './command';
import { terminalText } from '../core/terminalText';

const HELP = `Usage: ai-provenance <command> [options]

Commands:
  install [--agents a,b]      install the git hooks (and agent hooks)
  uninstall                   remove exactly what install added
  hook <agent>                record an agent's edit from its hook JSON on stdin
  record --agent A [--model M] FILE[:START-END]...
                              record lines as AI-written
  status [--json]             AI lines pending in the working tree
  trailers                    print the trailers the staged change would get
  check [REV-RANGE] [--format text|json|sarif|markdown]
                              the critical-path policy check for CI
  blame FILE [--json]         per-line attribution, committed and uncommitted
  export [REV] --format agent-trace
                              the Agent Trace record of a commit
  sign-off [--key FILE]       SSH-sign the staged critical files for review
  export --range A..B --format ndjson
                              one Agent Trace record a line, for warehouses
  stats [REV-RANGE] [--by agent|model|author|path|week] [--format text|json|csv]
                              lines added by AI and people, AI share of the code
  report [REV-RANGE] [-o FILE.html]
                              the same as a self-contained HTML report
  ci [local ...|install github|gitlab]
                              notes for the commits a server merge made
  sync [REMOTE]               fetch, join and push the notes by hand

Run 'ai-provenance <command> --help' for a command's options.
`;

function load(name: string): Command | undefined {
  // Static requires so the bundler sees every command; each module is evaluated only when chosen.
  switch (name) {
    case 'install':
      return require('./commands/install').command;
    case 'uninstall':
      return require('./commands/uninstall').command;
    case 'hook':
      return require('./commands/hook').command;
    case 'record':
      return require('./commands/record').command;
    case 'status':
      return require('./commands/status').command;
    case 'trailers':
      return require('./commands/trailers').command;
    case 'check':
      return require('./commands/check').command;
    case 'blame':
      return require('./commands/blame').command;
    case 'export':
      return require('./commands/export').command;
    case 'sign-off':
      return require('./commands/signOff').command;
    case 'stats':
      return require('./commands/stats').command;
    case 'report':
      return require('./commands/report').command;
    case 'ci':
      return require('./commands/ci').command;
    case 'sync':
      return require('./commands/sync').command;
    case '_hook':
      return require('./commands/gitHook').command;
    default:
      return undefined;
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    stdout().write(HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    stdout().write(`${VERSION}\n`);
    return 0;
  }
  const command = load(name);
  if (!command) {
    process.stderr.write(`ai-provenance: unknown command '${terminalText(name)}' (see ai-provenance --help)\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    stdout().write(command.help);
    return 0;
  }
  return command.run(rest, processIO());
}

/** The process's own streams. Each is built on first use: a hook that never reads stdin skips loading the net stack. */
function processIO(): CliIO & { readonly stdinFd: number } {
  return {
    cwd: process.cwd(),
    // Read directly by commands that want their stdin cheaply (the agent hook).
    stdinFd: 0,
    get stdout() {
      return stdout();
    },
    get stderr() {
      return quietOnClosedPipe(process.stderr);
    },
    get stdin() {
      return process.stdin;
    },
  };
}

/** Exit status of a process that wrote to a pipe nobody reads any more, as a shell reports one killed by SIGPIPE. */
export const CLOSED_PIPE_EXIT = 141;

const guarded = new WeakSet<NodeJS.WriteStream>();

/**
 * `ai-provenance status | head -3`: once the reader has gone, end quietly as other command-line tools do, instead
 * of with an unhandled EPIPE error.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  if (!guarded.has(stream)) {
    guarded.add(stream);
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(CLOSED_PIPE_EXIT);
      throw err;
    });
  }
  return stream;
}

function stdout(): NodeJS.WriteStream {
  return quietOnClosedPipe(process.stdout);
}

declare const VERSION: string;

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ai-provenance: ${terminalText(err instanceof Error ? err.message : String(err))}\n`);
    process.exitCode = 1;
  },
);
