// Command rules (PRODUCT.md §12): a shell command an agent wants to run is parsed into words (shell-quote, the
// quoting rules of a POSIX shell) and split into the simple commands it runs, and each rule's patterns are compared
// word by word, never as substrings. The rules of the comparison are the README's "Stopping agents before they act".
import { parse, type ParseEntry } from 'shell-quote';

/** One word of a pattern after the program. */
type PatternWord =
  | { readonly kind: 'word'; readonly re: RegExp }
  | { readonly kind: 'short'; readonly letters: string }
  | { readonly kind: 'long'; readonly name: string }
  | { readonly kind: 'critical' };

export interface CommandPattern {
  readonly text: string;
  readonly program: RegExp;
  /** Arguments that must appear in this order (others may come between). */
  readonly ordered: readonly PatternWord[];
  /** Options that must appear anywhere among the arguments. */
  readonly options: readonly PatternWord[];
}

/** Words that run the command after them: `sudo terraform destroy` runs terraform. */
const WRAPPERS = new Set(['sudo', 'doas', 'env', 'command', 'builtin', 'exec', 'nohup', 'time', 'nice', 'timeout', 'xargs', 'stdbuf', 'ionice', 'chrt', 'caffeinate']);
/** Options of wrappers that take the next word as their value. */
const WRAPPER_OPTION_VALUES: Readonly<Record<string, ReadonlySet<string>>> = {
  sudo: new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T']),
  doas: new Set(['-u', '-C']),
  env: new Set(['-u', '-C', '-S']),
  nice: new Set(['-n']),
  timeout: new Set(['-s', '-k', '--signal', '--kill-after']),
  xargs: new Set(['-I', '-L', '-n', '-P', '-s', '-d', '-E', '-a']),
  ionice: new Set(['-c', '-n', '-p']),
};
/** Wrappers whose first plain argument is not the command (timeout's duration, chrt's priority). */
const WRAPPER_POSITIONALS: Readonly<Record<string, number>> = { timeout: 1, chrt: 1 };
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'busybox']);
const SEPARATORS = new Set([';', '&&', '||', '|', '&', '|&', '(', ')', ';;', '<(', '>(']);
const MAX_DEPTH = 4;

/** Special pattern word: an argument naming a critical path, or a folder that holds one. */
export const CRITICAL_WORD = '@critical';

function globRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^]*').replace(/\?/g, '[^]');
  return new RegExp(`^${body}$`);
}

function wordsOf(entries: readonly ParseEntry[]): string[] | undefined {
  const out: string[] = [];
  for (const e of entries) {
    if (typeof e === 'string') out.push(e);
    else if ('comment' in e) break;
    else if ('op' in e && e.op === 'glob') out.push((e as { pattern: string }).pattern);
    else return undefined;
  }
  return out;
}

/** The pattern parsed, or why it cannot be used (one line, for `file:line:col: message`). */
export function parsePattern(text: string): CommandPattern | string {
  const words = wordsOf(parse(text, (key) => `$${key}`));
  if (words === undefined) return 'a command pattern is one simple command: no ;, &&, |, redirections or parentheses';
  if (words.length === 0) return 'a command pattern needs at least the program name';
  const [program, ...rest] = words;
  if (program === CRITICAL_WORD || program!.startsWith('-')) return `a command pattern starts with the program name, not "${program}"`;
  const ordered: PatternWord[] = [];
  const options: PatternWord[] = [];
  for (const w of rest) {
    if (w === CRITICAL_WORD) ordered.push({ kind: 'critical' });
    else if (/^--[^=*?]+$/.test(w)) options.push({ kind: 'long', name: w });
    else if (/^-[A-Za-z0-9]+$/.test(w)) options.push({ kind: 'short', letters: w.slice(1) });
    else ordered.push({ kind: 'word', re: globRegExp(w) });
  }
  return { text, program: globRegExp(program!), ordered, options };
}

/**
 * The simple commands `command` runs, each as its words from the program on: split at `;`, `&&`, `||`, `|`, `&`,
 * parentheses and line breaks; command substitutions (`$(…)`, backticks) and `sh -c '…'`/`eval` bodies included;
 * leading `VAR=value` assignments, redirections and wrappers such as `sudo`, `env` and `xargs` removed.
 */
export function simpleCommands(command: string, depth = 0): string[][] {
  if (depth > MAX_DEPTH) return [];
  const { main, inner } = substitutions(command);
  const out: string[][] = [];
  for (const body of inner) out.push(...simpleCommands(body, depth + 1));
  let current: string[] = [];
  const flush = (): void => {
    if (current.length > 0) out.push(...unwrap(current, depth));
    current = [];
  };
  const entries = parse(main, (key) => `$${key}`);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (typeof e === 'string') current.push(e);
    else if ('comment' in e) {
      flush();
    } else if (e.op === 'glob') current.push((e as { pattern: string }).pattern);
    else if (SEPARATORS.has(e.op)) flush();
    else {
      // A redirection: its target is a file, not an argument, and a descriptor number before it is not one either.
      if (/^\d+$/.test(current[current.length - 1] ?? '')) current.pop();
      if (typeof entries[i + 1] === 'string') i++;
    }
  }
  flush();
  return out;
}

/** Bodies of `$(…)` and backticks outside single quotes, and the text with unquoted line breaks made `;`. */
function substitutions(text: string): { main: string; inner: string[] } {
  const inner: string[] = [];
  let main = '';
  let quote: '' | "'" | '"' = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && quote !== "'") {
      main += c + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (quote === "'") {
      if (c === "'") quote = '';
      main += c;
      continue;
    }
    if (c === "'" && quote === '') quote = "'";
    else if (c === '"') quote = quote === '"' ? '' : '"';
    else if (c === '`') {
      const end = text.indexOf('`', i + 1);
      const stop = end < 0 ? text.length : end;
      inner.push(text.slice(i + 1, stop));
      main += ' ';
      i = stop;
      continue;
    } else if (c === '$' && text[i + 1] === '(') {
      let level = 1;
      let j = i + 2;
      for (; j < text.length && level > 0; j++) {
        if (text[j] === '(') level++;
        else if (text[j] === ')') level--;
      }
      inner.push(text.slice(i + 2, level === 0 ? j - 1 : j));
      main += ' ';
      i = j - 1;
      continue;
    } else if ((c === '\n' || c === '\r') && quote === '') {
      main += ';';
      continue;
    }
    main += c;
  }
  return { main, inner };
}

function basename(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** `words` without leading assignments and wrappers; a shell's `-c` body and `eval`'s words are parsed again. */
function unwrap(words: readonly string[], depth: number): string[][] {
  let i = 0;
  for (;;) {
    while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!)) i++;
    const program = words[i];
    if (program === undefined) return [];
    const name = basename(program);
    if (name === 'eval') return simpleCommands(words.slice(i + 1).join(' '), depth + 1);
    if (SHELLS.has(name)) {
      const c = words.findIndex((w, k) => k > i && /^-[A-Za-z]*c[A-Za-z]*$/.test(w));
      if (c > 0 && words[c + 1] !== undefined) return simpleCommands(words[c + 1]!, depth + 1);
      return [words.slice(i)];
    }
    if (!WRAPPERS.has(name)) return [words.slice(i)];
    i++;
    let positionals = WRAPPER_POSITIONALS[name] ?? 0;
    while (i < words.length) {
      const w = words[i]!;
      if (w === '--') {
        i++;
        break;
      }
      if (w.startsWith('-')) {
        i += WRAPPER_OPTION_VALUES[name]?.has(w) ? 2 : 1;
      } else if (name === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) {
        i++;
      } else if (positionals > 0) {
        positionals--;
        i++;
      } else break;
    }
  }
}

function optionPresent(opt: PatternWord, args: readonly string[]): boolean {
  if (opt.kind === 'long') return args.some((a) => a === opt.name || a.startsWith(`${opt.name}=`));
  if (opt.kind !== 'short') return false;
  const given = new Set<string>();
  for (const a of args) {
    if (a === '--') break;
    if (/^-[A-Za-z0-9]+$/.test(a)) for (const ch of a.slice(1)) given.add(ch);
  }
  return [...opt.letters].every((ch) => given.has(ch));
}

/** Whether one simple command (program first) matches the pattern; `isCritical` judges `@critical` arguments. */
export function matchesWords(p: CommandPattern, words: readonly string[], isCritical: (arg: string) => boolean): boolean {
  const [program, ...args] = words;
  if (program === undefined || !p.program.test(basename(program))) return false;
  if (!p.options.every((o) => optionPresent(o, args))) return false;
  let k = 0;
  for (const want of p.ordered) {
    for (;;) {
      if (k >= args.length) return false;
      const a = args[k++]!;
      if (want.kind === 'word' ? want.re.test(a) : want.kind === 'critical' && !a.startsWith('-') && isCritical(a)) break;
    }
  }
  return true;
}

/** The first pattern of `patterns` that one of the simple commands of `command` matches. */
export function matchCommand(patterns: readonly CommandPattern[], command: string, isCritical: (arg: string) => boolean): CommandPattern | undefined {
  const commands = simpleCommands(command);
  return patterns.find((p) => commands.some((words) => matchesWords(p, words, isCritical)));
}
