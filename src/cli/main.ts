// Entry point of the `ai-provenance` command.
const HELP = `Usage: ai-provenance <command> [options]

Commands:
  install [--agents a,b]      install the git hooks (and agent hooks)
  uninstall                   remove exactly what install added
  hook <agent>                record an agent's edit from its hook JSON on stdin
  record --agent A [--model M] FILE[:START-END]...
                              record lines as AI-written
  status [--json]             AI lines pending in the working tree
  trailers                    print the trailers the staged change would get
  check [REV-RANGE] [--format text|json|sarif]
                              the critical-path policy check for CI
  blame FILE [--json]         per-line attribution, committed and uncommitted
  export [REV] --format agent-trace
                              the Agent Trace record of a commit

Run 'ai-provenance <command> --help' for a command's options.
`;

function main(argv: string[]): number {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(HELP);
    return argv.length === 0 ? 2 : 0;
  }
  process.stderr.write(`ai-provenance: unknown command '${argv[0]}' (see --help)\n`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
