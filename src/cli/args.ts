// A thin wrapper over node:util parseArgs that turns its errors into one-line messages for the CLI.
import { parseArgs } from 'node:util';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

export interface ParsedArgs {
  /** Option values by long name: string, boolean, or string[] for `multiple` options. */
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses `args` against `options`; throws UsageError with a one-line message on unknown or malformed options. */
export function parseCommandArgs(command: string, args: readonly string[], options: OptionSpec): ParsedArgs {
  try {
    const r = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values: r.values as ParsedArgs['values'], positionals: r.positionals };
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new UsageError(`ai-provenance ${command}: ${msg.replace(/\.?\s*To specify a positional argument.*$/, '')} (see ai-provenance ${command} --help)`);
  }
}

export function stringOpt(p: ParsedArgs, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function boolOpt(p: ParsedArgs, name: string): boolean {
  return p.values[name] === true;
}
