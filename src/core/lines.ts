// Line splitting as VS Code sees a document: `\r\n`, lone `\r` and `\n` each end a line.

const EOL = /\r\n|\r|\n/g;

/** The lines of `text` without their line breaks; an empty text is one empty line. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** The lines of `text` and the break that ends each one (`''` for the last line). */
export interface SplitText {
  readonly lines: string[];
  readonly eols: string[];
}

export function splitWithEols(text: string): SplitText {
  const lines: string[] = [];
  const eols: string[] = [];
  let from = 0;
  EOL.lastIndex = 0;
  for (let m = EOL.exec(text); m !== null; m = EOL.exec(text)) {
    lines.push(text.slice(from, m.index));
    eols.push(m[0]);
    from = m.index + m[0].length;
  }
  lines.push(text.slice(from));
  eols.push('');
  return { lines, eols };
}

/** Whether `text` contains a line break; cheaper than splitting for the one-character edits of typing. */
export function hasLineBreak(text: string): boolean {
  return text.includes('\n') || text.includes('\r');
}

/** A line that says something: a letter or a digit, not blank, not only punctuation (`}`, `);`). */
export function substantive(line: string): boolean {
  return /[\p{L}\p{N}]/u.test(line);
}
