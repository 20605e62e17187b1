// Everyday flows around the classes: formatters, CRLF, unicode, renames, stash, worktrees, several agents and a
// person in one file, amend and rebase.
import { human, type Scenario, type Session } from '../harness';
import { APP } from './basic';

const LOOP = '  for (const i of items) sum += i.price;\n';
const CHECK_LINE = '  if (rounded !== sum) console.warn(`rounded ${sum}`);\n';
/** An agent inserts two lines after the loop: no person text is rewritten, so nothing here is mixed. */
const ROUNDED = [LOOP, `${LOOP}  const rounded = Math.round(sum * 100) / 100;\n${CHECK_LINE}`] as const;
const ROUNDED_FILE = (tag: string): string => `
  h  | export function total(items) {
  h  |   let sum = 0;
  h  |   for (const i of items) sum += i.price;
  ${tag} |   const rounded = Math.round(sum * 100) / 100;
  ${tag} |   if (rounded !== sum) console.warn(\`rounded \${sum}\`);
  h  |   return sum;
  h  | }`;

/** A person's formatter that re-indents the whole file from two spaces to four. */
async function reindent(s: Session, rel: string): Promise<void> {
  await s.sh(`sed -i 's/^\\( *\\)/\\1\\1/' ${rel}`);
}

export const scenarios: Scenario[] = [
  // --- formatters
  {
    name: 'formatter re-indents the file after an agent edit, before the commit',
    classes: ['formatter'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.claude.edit('src/app.js', ...ROUNDED);
      await reindent(s, 'src/app.js');
      await s.commitAll('round, formatted');
    },
    expect: {
      'src/app.js': `
        h  | export function total(items) {
        h  |     let sum = 0;
        h  |     for (const i of items) sum += i.price;
        cc |     const rounded = Math.round(sum * 100) / 100;
        cc |     if (rounded !== sum) console.warn(\`rounded \${sum}\`);
        h  |     return sum;
        h  | }`,
    },
    commits: { 'round, formatted': '2/5' },
  },
  {
    name: 'formatter run by the agent (Bash prettier-like) after its own edit: its lines stay AI, human lines human',
    classes: ['formatter'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.claude.edit('src/app.js', ...ROUNDED);
      await s.claude.bash("sed -i 's/ \\/ 100;$/ \\/ 100.0;/' src/app.js");
      await s.commitAll('round');
    },
    expect: { 'src/app.js': ROUNDED_FILE('cc').replace('/ 100;', '/ 100.0;') },
    commits: { round: '2/2' },
  },
  {
    name: 'formatter trims trailing whitespace of AI lines that are committed',
    classes: ['formatter'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.cursor.edit('src/app.js', ROUNDED[0], ROUNDED[1].replace('/ 100;\n', '/ 100;   \n'));
      await s.commitAll('round');
      await s.sh("sed -i 's/ *$//' src/app.js");
      await s.commitAll('trim');
    },
    expect: { 'src/app.js': ROUNDED_FILE('cu') },
    commits: { round: '2/2', trim: '1/1' },
  },
  {
    name: 'formatter converts tabs of an agent-written Go file to spaces (working tree)',
    classes: ['formatter'],
    async run(s) {
      await s.codex.add('main.go', 'package main\n\nfunc main() {\n\tprintln("hello, world")\n\tprintln("bye")\n}\n');
      await s.commitAll('main');
      await s.sh("sed -i 's/\\t/    /' main.go");
    },
    expect: {
      'main.go': `
        cx | package main
        h  |
        cx | func main() {
        cx |     println("hello, world")
        cx |     println("bye")
        cx | }`,
    },
    commits: { main: '5/6' },
  },
  // --- CRLF
  {
    name: 'CRLF file: claude-code Edit with CRLF strings, committed',
    classes: ['crlf'],
    initial: { 'src/app.js': APP.split('\n').join('\r\n') },
    async run(s) {
      await s.claude.edit('src/app.js', ROUNDED[0].split('\n').join('\r\n'), ROUNDED[1].split('\n').join('\r\n'));
      await s.commitAll('round');
    },
    expect: { 'src/app.js': ROUNDED_FILE('cc') },
    commits: { round: '2/2' },
  },
  {
    name: 'CRLF file: cursor edit then a person edits another line',
    classes: ['crlf'],
    initial: { 'src/app.js': APP.split('\n').join('\r\n') },
    async run(s) {
      await s.cursor.edit('src/app.js', ROUNDED[0].split('\n').join('\r\n'), ROUNDED[1].split('\n').join('\r\n'));
      s.replace('src/app.js', '  let sum = 0;\r\n', '  let sum = 0; // cents\r\n');
      await s.commitAll('round');
    },
    expect: { 'src/app.js': ROUNDED_FILE('cu').replace('let sum = 0;', 'let sum = 0; // cents') },
    commits: { round: '2/3' },
  },
  {
    name: 'CRLF file created by gemini-cli, a person deletes one line after the commit',
    classes: ['crlf', 'short-lines'],
    async run(s) {
      await s.gemini.write('run.bat', '@echo off\r\nset NAME=world\r\necho hello %NAME%\r\nexit /b 0\r\n');
      await s.commitAll('bat');
      s.replace('run.bat', 'set NAME=world\r\n', '');
      await s.commitAll('no name');
    },
    expect: {
      'run.bat': `
        gm | @echo off
        gm | echo hello %NAME%
        gm | exit /b 0`,
    },
    commits: { bat: '4/4', 'no name': null },
  },
  // --- unicode
  {
    name: 'unicode: agent edit with CJK and emoji, committed',
    classes: ['unicode'],
    initial: { 'i18n.py': 'MESSAGES = {\n    "hello": "Hello",\n}\n' },
    async run(s) {
      await s.claude.edit('i18n.py', '    "hello": "Hello",\n', '    "hello": "Hello",\n    "hello_ja": "こんにちは 👋",\n    "bye_de": "Tschüß",\n');
      await s.commitAll('greetings');
    },
    expect: {
      'i18n.py': `
        h  | MESSAGES = {
        h  |     "hello": "Hello",
        cc |     "hello_ja": "こんにちは 👋",
        cc |     "bye_de": "Tschüß",
        h  | }`,
    },
    commits: { greetings: '2/2' },
  },
  {
    name: 'unicode: person touches up an emoji line of codex, another line untouched',
    classes: ['unicode', 'edit-committed'],
    initial: { 'i18n.py': 'MESSAGES = {\n    "hello": "Hello",\n}\n' },
    async run(s) {
      await s.codex.patch('i18n.py', '    "hello": "Hello",\n', '    "hello": "Hello",\n    "party": "🎉 Ça marche !",\n    "tea": "お茶をどうぞ",\n');
      await s.commitAll('more');
      s.replace('i18n.py', '🎉 Ça marche !', '🎉 Ça marche !!');
      await s.commitAll('louder');
    },
    expect: {
      'i18n.py': `
        h  | MESSAGES = {
        h  |     "hello": "Hello",
        cx~|     "party": "🎉 Ça marche !!",
        cx |     "tea": "お茶をどうぞ",
        h  | }`,
    },
    commits: { more: '2/2', louder: '1/1' },
  },
  {
    name: 'unicode: person line with combining accents next to an agent line',
    classes: ['unicode'],
    initial: { 'names.txt': 'Zoë\nJosé\n' },
    async run(s) {
      await s.gemini.replace('names.txt', 'José\n', 'José\nŁukasz Żółć\n');
      s.write('names.txt', s.read('names.txt') + 'Ñandú\n');
    },
    expect: {
      'names.txt': `
        h  | Zoë
        h  | José
        gm | Łukasz Żółć
        h  | Ñandú`,
    },
  },
  // --- renames
  {
    name: 'git mv of a committed AI file: blame follows, the rename commit has no trailer',
    classes: ['rename'],
    async run(s) {
      await s.claude.write('src/util.js', 'export const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));\nexport const lerp = (a, b, t) => a + (b - a) * t;\n');
      await s.commitAll('util');
      await s.git('mv', 'src/util.js', 'src/math.js');
      await s.commit('rename util');
    },
    expect: {
      'src/math.js': `
        cc | export const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
        cc | export const lerp = (a, b, t) => a + (b - a) * t;`,
    },
    commits: { util: '2/2', 'rename util': null },
  },
  {
    name: 'git mv of an uncommitted AI file, then the first commit',
    classes: ['rename'],
    async run(s) {
      await s.cursor.shell('true');
      await s.claude.write('src/util.js', 'export const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));\nexport const lerp = (a, b, t) => a + (b - a) * t;\n');
      await s.git('add', 'src/util.js');
      await s.git('mv', 'src/util.js', 'src/math.js');
      await s.commit('math');
    },
    expect: {
      'src/math.js': `
        cc | export const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
        cc | export const lerp = (a, b, t) => a + (b - a) * t;`,
    },
    commits: { math: '2/2' },
  },
  {
    name: 'git mv of a file with uncommitted AI edits in a person file',
    classes: ['rename'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.gemini.replace('src/app.js', ...ROUNDED);
      await s.git('mv', 'src/app.js', 'src/total.js');
      await s.commitAll('total');
    },
    expect: { 'src/total.js': ROUNDED_FILE('gm') },
    commits: { total: '2/2' },
  },
  {
    name: 'rename and edit in one commit by the person: AI lines stay AI',
    classes: ['rename', 'moved'],
    async run(s) {
      await s.codex.add('lib/a.py', 'def double(x):\n    return 2 * x\n\n\ndef triple(x):\n    return 3 * x\n');
      await s.commitAll('a');
      await s.git('mv', 'lib/a.py', 'lib/b.py');
      s.write('lib/b.py', '"""Multiples."""\n\n\n' + s.read('lib/b.py'));
      await s.commitAll('b');
    },
    expect: {
      'lib/b.py': `
        h  | """Multiples."""
        h  |
        h  |
        cx | def double(x):
        cx |     return 2 * x
        h  |
        h  |
        cx | def triple(x):
        cx |     return 3 * x`,
    },
    commits: { a: '4/6', b: null },
  },
  // --- stash
  {
    name: 'stash and stash pop of uncommitted AI edits, then the commit',
    classes: ['stash'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.claude.edit('src/app.js', ...ROUNDED);
      await s.git('stash', '-q');
      await s.git('stash', 'pop', '-q');
      await s.commitAll('round');
    },
    expect: { 'src/app.js': ROUNDED_FILE('cc') },
    commits: { round: '2/2' },
  },
  {
    name: 'stash, a person commit in between, stash pop',
    classes: ['stash'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.cursor.edit('src/app.js', ...ROUNDED);
      await s.git('stash', '-q');
      s.replace('src/app.js', 'export function total(items) {', 'export function total(items = []) {');
      await s.commitAll('default');
      await s.git('stash', 'pop', '-q');
      await s.commitAll('round');
    },
    expect: { 'src/app.js': ROUNDED_FILE('cu').replace('total(items)', 'total(items = [])') },
    commits: { default: null, round: '2/2' },
  },
  {
    name: 'stash pop after a person edit of the stashed file conflicts nowhere: working tree keeps AI',
    classes: ['stash'],
    initial: { 'src/app.js': APP, 'README.md': 'app\n' },
    async run(s) {
      await s.codex.patch('src/app.js', ...ROUNDED);
      await s.git('stash', '-q');
      s.write('README.md', 'app\nmore\n');
      await s.git('stash', 'pop', '-q');
    },
    expect: { 'src/app.js': ROUNDED_FILE('cx'), 'README.md': 'h | app\nh | more' },
  },
  {
    name: 'stash, a person commit of another file, stash apply (the stash is kept), then the commit',
    classes: ['stash'],
    initial: { 'src/app.js': APP, 'README.md': 'app\n' },
    async run(s) {
      await s.cursor.edit('src/app.js', ...ROUNDED);
      await s.git('stash', '-q');
      s.write('README.md', 'app\nmore\n');
      await s.commitAll('readme');
      await s.git('stash', 'apply', '-q');
      await s.commitAll('round');
    },
    expect: { 'src/app.js': ROUNDED_FILE('cu'), 'README.md': 'h | app\nh | more' },
    commits: { readme: null, round: '2/2' },
  },
  {
    name: 'stash pop that conflicts with a person commit, resolved with the stashed lines and committed while the stash is kept',
    classes: ['stash'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.claude.edit('src/app.js', ...ROUNDED);
      await s.git('stash', '-q');
      s.replace('src/app.js', LOOP, LOOP.replace('i.price', 'i.price * i.qty'));
      await s.commitAll('quantity');
      await s.sh('git stash pop -q 2>/dev/null; test -n "$(git stash list)"');
      await s.git('checkout', '--theirs', 'src/app.js');
      await s.commitAll('round');
    },
    expect: { 'src/app.js': ROUNDED_FILE('cc') },
    commits: { quantity: null, round: '2/3' },
  },
  {
    name: 'a person edit after the AI edit, both stashed, a commit in between, stash pop: the AI lines come back',
    classes: ['stash'],
    initial: { 'src/app.js': APP, 'README.md': 'app\n' },
    async run(s) {
      await s.codex.patch('src/app.js', ...ROUNDED);
      s.replace('src/app.js', 'export function total(items) {', 'export function total(items = []) {');
      await s.git('stash', '-q');
      s.write('README.md', 'app\nmore\n');
      await s.commitAll('readme');
      await s.git('stash', 'pop', '-q');
    },
    expect: { 'src/app.js': ROUNDED_FILE('cx').replace('total(items)', 'total(items = [])'), 'README.md': 'h | app\nh | more' },
    commits: { readme: null },
  },
  // --- an editor that saves by writing a new file over the old one (JetBrains' safe write, vim)
  {
    name: 'a person touches up one AI line in an editor that saves by replacing the file, status, then the commit',
    classes: ['retype'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.cursor.edit('src/app.js', ...ROUNDED);
      s.write('src/app.js.tmp', s.read('src/app.js').replace('`rounded ${sum}`', '`rounded ${sum} of ${items.length}`'));
      await s.sh('mv src/app.js.tmp src/app.js');
      await s.cliRun('status');
      await s.commitAll('count');
    },
    expect: { 'src/app.js': ROUNDED_FILE('cu').replace(/\n {2}cu \|( {3}if .*)\n/, '\n  cu~ |$1\n').replace('`rounded ${sum}`', '`rounded ${sum} of ${items.length}`') },
    commits: { count: '2/2' },
  },
  {
    name: 'git restores an AI-edited file, a person saves similar lines by replacing the file: none are AI',
    classes: ['discarded'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.cursor.edit('src/app.js', ...ROUNDED);
      await s.git('checkout', '--', 'src/app.js');
      s.write('src/app.js.tmp', APP.replace('  return sum;\n', '  const rounded = Math.round(sum * 100) / 100;\n  return rounded;\n'));
      await s.sh('mv src/app.js.tmp src/app.js');
      await s.cliRun('status');
      await s.commitAll('rounded by hand');
    },
    expect: { 'src/app.js': human(APP.replace('  return sum;\n', '  const rounded = Math.round(sum * 100) / 100;\n  return rounded;\n')) },
    commits: { 'rounded by hand': null },
  },
  // --- worktrees
  {
    name: 'agent edit in a linked worktree, committed there',
    classes: ['worktree'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.git('worktree', 'add', '-q', '../side', '-b', 'side');
      s.cwd = s.abs('../side');
      await s.claude.edit('src/app.js', ...ROUNDED);
      await s.commitAll('round on the side');
    },
    expect: { 'src/app.js': human(APP), '../side/src/app.js': ROUNDED_FILE('cc') },
    commits: { 'round on the side': '2/2' },
  },
  {
    name: 'agent edits in the main worktree and a linked one do not mix',
    classes: ['worktree'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.git('worktree', 'add', '-q', '../side', '-b', 'side');
      await s.gemini.replace('src/app.js', 'export function total(items) {\n', '/** Total price. */\nexport function total(items) {\n');
      s.cwd = s.abs('../side');
      await s.claude.edit('src/app.js', ...ROUNDED);
      await s.commitAll('round on the side');
      s.cwd = s.repo;
      await s.commitAll('doc');
    },
    expect: {
      'src/app.js': `
        gm | /** Total price. */
        h  | export function total(items) {
        h  |   let sum = 0;
        h  |   for (const i of items) sum += i.price;
        h  |   return sum;
        h  | }`,
      '../side/src/app.js': ROUNDED_FILE('cc'),
    },
    commits: { 'round on the side': '2/2', doc: '1/1' },
  },
  {
    name: 'worktree branch with AI lines merged --squash into main with -m',
    classes: ['worktree', 'finish'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.git('worktree', 'add', '-q', '../side', '-b', 'side');
      s.cwd = s.abs('../side');
      await s.codex.patch('src/app.js', ...ROUNDED);
      await s.commitAll('round on the side');
      s.cwd = s.repo;
      await s.git('merge', '--squash', '-q', 'side');
      await s.commit('round from side');
      await s.git('worktree', 'remove', '--force', '../side');
      await s.git('branch', '-q', '-D', 'side');
    },
    expect: { 'src/app.js': ROUNDED_FILE('cx') },
    commits: { 'round from side': '2/2' },
  },
  // --- two agents and a person interleaved
  {
    name: 'claude-code, a person and cursor edit one file in turn, one commit',
    classes: ['interleaved'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.claude.edit('src/app.js', ...ROUNDED);
      s.replace('src/app.js', '  let sum = 0;\n', '  let sum = 0;\n  let count = 0;\n');
      await s.cursor.edit('src/app.js', '  for (const i of items) sum += i.price;\n', '  for (const i of items) {\n    sum += i.price;\n    count += 1;\n  }\n');
      s.replace('src/app.js', 'export function total(items) {', 'export function total(items /* Item[] */) {');
      await s.commitAll('count too');
    },
    expect: {
      'src/app.js': `
        h  | export function total(items /* Item[] */) {
        h  |   let sum = 0;
        h  |   let count = 0;
        cu |   for (const i of items) {
        cu |     sum += i.price;
        cu |     count += 1;
        cu |   }
        cc |   const rounded = Math.round(sum * 100) / 100;
        cc |   if (rounded !== sum) console.warn(\`rounded \${sum}\`);
        h  |   return sum;
        h  | }`,
    },
    commits: { 'count too': '6/8' },
  },
  {
    name: 'gemini-cli edits a claude-code line, then a person edits the gemini line, across commits',
    classes: ['interleaved', 'edit-committed'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.claude.edit('src/app.js', ...ROUNDED);
      await s.commitAll('round');
      await s.gemini.replace('src/app.js', CHECK_LINE, '  if (rounded !== sum) console.warn({ sum, count: items.length });\n');
      await s.commitAll('with count');
      s.replace('src/app.js', 'count: items.length', 'n: items.length');
      await s.commitAll('short name');
    },
    expect: {
      'src/app.js': `
        h  | export function total(items) {
        h  |   let sum = 0;
        h  |   for (const i of items) sum += i.price;
        cc |   const rounded = Math.round(sum * 100) / 100;
        gm~|   if (rounded !== sum) console.warn({ sum, n: items.length });
        h  |   return sum;
        h  | }`,
    },
    commits: { round: '2/2', 'with count': '1/1', 'short name': '1/1' },
  },
  {
    name: 'two agents write two files, a person edits both, two commits',
    classes: ['interleaved'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.codex.add('src/tax.js', 'export const RATE = 0.2;\nexport const tax = (x) => x * RATE;\n');
      await s.claude.edit('src/app.js', ...ROUNDED);
      s.write('src/tax.js', '// VAT\n' + s.read('src/tax.js'));
      await s.git('add', 'src/tax.js');
      await s.commit('tax');
      s.replace('src/app.js', '  let sum = 0;\n', '  let sum = 0; // before tax\n');
      await s.commitAll('round');
    },
    expect: {
      'src/tax.js': `
        h  | // VAT
        cx | export const RATE = 0.2;
        cx | export const tax = (x) => x * RATE;`,
      'src/app.js': ROUNDED_FILE('cc').replace('let sum = 0;', 'let sum = 0; // before tax'),
    },
    commits: { tax: '2/3', round: '2/3' },
  },
  // --- amend
  {
    name: 'amend -m adding a person line to an AI commit',
    classes: ['amend'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.claude.edit('src/app.js', ...ROUNDED);
      await s.commitAll('round');
      s.replace('src/app.js', 'export function total(items) {', '// Rounded to cents.\nexport function total(items) {');
      await s.git('add', '-A');
      await s.git('commit', '-q', '--amend', '-m', 'round to cents');
    },
    expect: { 'src/app.js': 'h | // Rounded to cents.\n' + ROUNDED_FILE('cc').trim() },
    commits: { 'round to cents': '2/3' },
  },
  {
    name: 'amend --no-edit after the person edited an AI line',
    classes: ['amend', 'retype'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.cursor.edit('src/app.js', ...ROUNDED);
      await s.commitAll('round');
      s.replace('src/app.js', CHECK_LINE, CHECK_LINE.replace('${sum}`', '${sum}`, items'));
      await s.git('commit', '-q', '-a', '--amend', '--no-edit');
    },
    expect: { 'src/app.js': ROUNDED_FILE('cu').replace('cu |   if (rounded', 'cu~|   if (rounded').replace('${sum}\`);', '${sum}\`, items);') },
    commits: { round: '2/2' },
  },
  {
    name: 'amend of an AI commit with a second agent edit',
    classes: ['amend'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.claude.edit('src/app.js', ...ROUNDED);
      await s.commitAll('round');
      await s.gemini.replace('src/app.js', '  let sum = 0;\n', '  let sum = 0;\n  if (!Array.isArray(items)) throw new TypeError("items");\n');
      await s.git('commit', '-q', '-a', '--amend', '-m', 'round and check');
    },
    expect: {
      'src/app.js': `
        h  | export function total(items) {
        h  |   let sum = 0;
        gm |   if (!Array.isArray(items)) throw new TypeError("items");
        h  |   for (const i of items) sum += i.price;
        cc |   const rounded = Math.round(sum * 100) / 100;
        cc |   if (rounded !== sum) console.warn(\`rounded \${sum}\`);
        h  |   return sum;
        h  | }`,
    },
    commits: { 'round and check': '3/3' },
  },
  // --- rebase
  {
    name: 'rebase of a branch with AI commits onto a moved main',
    classes: ['rebase'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.git('checkout', '-q', '-b', 'feature');
      await s.claude.edit('src/app.js', ...ROUNDED);
      await s.commitAll('round');
      await s.git('checkout', '-q', 'main');
      s.write('README.md', 'totals\n');
      await s.commitAll('readme');
      await s.git('checkout', '-q', 'feature');
      await s.git('rebase', '-q', 'main');
    },
    expect: { 'src/app.js': ROUNDED_FILE('cc'), 'README.md': 'h | totals' },
    commits: { readme: null, round: '2/2' },
  },
  {
    name: 'interactive rebase squashing an AI commit with a person commit (fixup)',
    classes: ['rebase', 'finish'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.codex.patch('src/app.js', ...ROUNDED);
      await s.commitAll('round');
      s.replace('src/app.js', 'export function total(items) {', 'export function total(items = []) {');
      await s.commitAll('fixup! round');
      await s.sh('GIT_SEQUENCE_EDITOR=true git rebase -q -i --autosquash HEAD~2');
    },
    expect: { 'src/app.js': ROUNDED_FILE('cx').replace('total(items)', 'total(items = [])') },
    commits: { round: '2/3' },
  },
  {
    name: 'rebase onto a main that changed the lines above the AI lines',
    classes: ['rebase', 'short-lines'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.git('checkout', '-q', '-b', 'feature');
      await s.gemini.replace('src/app.js', ...ROUNDED);
      await s.commitAll('round');
      await s.git('checkout', '-q', 'main');
      s.replace('src/app.js', '  let sum = 0;\n', '  let sum = 0;\n  // prices are in euros\n');
      await s.commitAll('euros');
      await s.git('checkout', '-q', 'feature');
      await s.git('rebase', '-q', 'main');
    },
    expect: {
      'src/app.js': `
        h  | export function total(items) {
        h  |   let sum = 0;
        h  |   // prices are in euros
        h  |   for (const i of items) sum += i.price;
        gm |   const rounded = Math.round(sum * 100) / 100;
        gm |   if (rounded !== sum) console.warn(\`rounded \${sum}\`);
        h  |   return sum;
        h  | }`,
    },
    commits: { euros: null, round: '2/2' },
  },
];
