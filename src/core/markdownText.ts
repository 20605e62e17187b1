// Repository text (config reasons, paths, agent and model ids from notes) made safe for each place the editor shows it.
//
// One function per sink:
//   markdownText       inside Markdown (hovers, tooltips): every character shows as itself, nothing is a link
//   markdownCodeSpan   a code span that shows exactly the value: no backslashes inside, backticks in the value kept
//   notificationText   plain text for showWarningMessage / showInformationMessage, which turn `[label](command:…)` into links
//   labelText          plain text for a Quick Pick item's label, description or detail, which render `$(name)` as an icon
//
// `themeIcons`: the Markdown is rendered with `supportThemeIcons`, where VS Code turns `$(name)` anywhere in the
// rendered HTML into an icon, even inside code spans.

/** Line breaks and tabs: shown as one space, so a value cannot start a new Markdown block or a new line. */
const BREAKS = /\r\n|[\t\n\v\f\r\u0085\u2028\u2029]/g;
/** Other control characters and the bidirectional overrides that make text read in another order than it is stored. */
const CONTROLS = /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Characters a backslash escapes in CommonMark: all of ASCII punctuation. */
const PUNCTUATION = /[!-/:-@[-`{-~]/g;
/** VS Code's theme icon syntax (`ThemeIcon.iconNameExpression` and its modifier). */
const ICON = /\$\([A-Za-z0-9-]+(?:~[A-Za-z]+)?\)/g;
/** `[label](href)` as VS Code's notifications find links: a word joiner between `]` and `(` keeps it text. */
const LINK_JOINT = /\](?=\()/g;
const WORD_JOINER = '\u2060';

export interface MarkdownOptions {
  /** The MarkdownString has `supportThemeIcons` on. */
  readonly themeIcons?: boolean;
}

/** One line of visible text: line breaks and tabs become spaces, other control and bidi characters U+FFFD. */
export function visibleText(value: string): string {
  return value.replace(BREAKS, ' ').replace(CONTROLS, '\uFFFD');
}

/** `value` as Markdown text that renders as exactly its characters: no link, emphasis, HTML, entity or heading. */
export function markdownText(value: string, opts: MarkdownOptions = {}): string {
  let s = visibleText(value);
  // VS Code renders `\$(name)` in the HTML as the literal `$(name)`: one more backslash before each, escaped below.
  if (opts.themeIcons) s = s.replace(ICON, '\\$&');
  return s.replace(PUNCTUATION, '\\$&');
}

/**
 * `value` as a Markdown code span that shows exactly its characters (backslash escapes do not work inside code
 * spans, so none are added). The fence is longer than any run of backticks inside; a value that starts or ends with
 * a backtick, or with spaces at both ends, is padded with the one space a code span strips on each side. Where
 * theme icons are on and the value holds `$(name)`, no code span can show it as text: it is given as plain text.
 */
export function markdownCodeSpan(value: string, opts: MarkdownOptions = {}): string {
  const s = visibleText(value);
  if (s === '') return '';
  if (opts.themeIcons && new RegExp(ICON.source).test(s)) return markdownText(s, opts);
  const longest = (s.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length), 0);
  const fence = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') || (s.startsWith(' ') && s.endsWith(' ') && s.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

/**
 * `value` as plain text for a notification message: one line, no `[label](target)` link syntax (VS Code makes
 * `command:`, `https:` and `file:` targets clickable there), at most `max` characters besides the word joiners it adds.
 */
export function notificationText(value: string, max = 300): string {
  let s = visibleText(value);
  if (s.length > max) {
    // Not between the two halves of a surrogate pair.
    const cut = /[\uD800-\uDBFF]/.test(s[max - 2] ?? '') ? max - 2 : max - 1;
    s = `${s.slice(0, cut)}…`;
  }
  return s.replace(LINK_JOINT, `]${WORD_JOINER}`);
}

/** `value` as a Quick Pick label, description or detail: one line, `$(name)` shown as text (VS Code drops one backslash before it). */
export function labelText(value: string): string {
  return visibleText(value).replace(ICON, '\\$&');
}
