// The shape every CLI command module exports as `command`.
export interface CliIO {
  readonly cwd: string;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
}

export interface Command {
  /** Full `--help` text, ending in a newline. */
  readonly help: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: readonly string[], io: CliIO): Promise<number>;
}
