// Text from a repository (config, notes, file names, commit messages) as it may be printed on a terminal: every
// character that a terminal would act on instead of showing (escape sequences, carriage returns, line breaks, bells,
// C1 controls, bidirectional overrides that reorder what is shown) is replaced by a visible escape, so one printed
// line stays one line and shows what is really there. JSON and SARIF output keep the exact text instead.

// C0 controls, DEL, C1 controls, the bidirectional marks and overrides, the line and paragraph separators, and
// lone surrogates (no valid UTF-8 exists for them).
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every character a terminal would not simply show replaced by a visible escape (`\x1b`, `\n`,
 * `\u202e`). `keepTabs`: a tab stays (file content, where it is indentation).
 */
export function terminalText(text: string, opts: { readonly keepTabs?: boolean } = {}): string {
  return text.replace(UNSAFE, (ch) => (ch === '\t' && opts.keepTabs ? ch : escape(ch)));
}
