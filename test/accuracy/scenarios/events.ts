// Classes: a missing after-edit event, AI edits thrown away, and files a person saves while an agent command runs.
import type { Scenario } from '../harness';
import { APP } from './basic';

const LOOP = '  for (const i of items) sum += i.price;\n';
/** An agent inserts two lines after the loop (no person text rewritten). */
const ROUNDED = [LOOP, `${LOOP}  const rounded = Math.round(sum * 100) / 100;\n  if (rounded !== sum) console.warn('rounded');\n`] as const;
const ROUNDED_FILE = `
  h  | export function total(items) {
  h  |   let sum = 0;
  h  |   for (const i of items) sum += i.price;
  cc |   const rounded = Math.round(sum * 100) / 100;
  cc |   if (rounded !== sum) console.warn('rounded');
  h  |   return sum;
  h  | }`;

export const scenarios: Scenario[] = [
  // --- missing after-edit events
  {
    name: 'claude-code PostToolUse never arrives: recorded at the next hook call',
    classes: ['missing-post'],
    initial: { 'src/app.js': APP, 'src/other.js': 'export const other = 1;\n' },
    async run(s) {
      await s.claude.edit('src/app.js', ...ROUNDED, { post: false });
      await s.claude.edit('src/other.js', 'export const other = 1;\n', 'export const other = 2;\n');
    },
    expect: { 'src/app.js': ROUNDED_FILE, 'src/other.js': 'cc~| export const other = 2;' },
  },
  {
    name: 'claude-code PostToolUse never arrives: recorded by ai-provenance status',
    classes: ['missing-post'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.claude.edit('src/app.js', ...ROUNDED, { post: false });
      await s.cliRun('status');
    },
    expect: { 'src/app.js': ROUNDED_FILE },
  },
  {
    name: 'claude-code PostToolUse never arrives: recorded by the commit',
    classes: ['missing-post'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.claude.edit('src/app.js', ...ROUNDED, { post: false });
      await s.commitAll('round');
    },
    expect: { 'src/app.js': ROUNDED_FILE },
    commits: { round: '2/2' },
  },
  {
    name: 'gemini-cli AfterTool never arrives: recorded by the commit',
    classes: ['missing-post'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.gemini.replace('src/app.js', ...ROUNDED, { post: false });
      await s.commitAll('round');
    },
    expect: { 'src/app.js': ROUNDED_FILE.split('cc |').join('gm |') },
    commits: { round: '2/2' },
  },
  {
    name: 'codex PostToolUse of apply_patch never arrives: recorded by the commit',
    classes: ['missing-post'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.codex.patch('src/app.js', ...ROUNDED, { post: false });
      await s.commitAll('round');
    },
    expect: { 'src/app.js': ROUNDED_FILE.split('cc |').join('cx |') },
    commits: { round: '2/2' },
  },
  {
    name: 'claude-code Write without PostToolUse creating a file: recorded by the commit',
    classes: ['missing-post', 'created'],
    async run(s) {
      await s.claude.write('src/new.js', 'export const created = new Date(0);\nexport const by = "agent";\n', { post: false });
      await s.commitAll('new');
    },
    expect: { 'src/new.js': 'cc | export const created = new Date(0);\ncc | export const by = "agent";' },
    commits: { new: '2/2' },
  },
  {
    name: 'missing PostToolUse and the person changed the result afterwards: nothing certain, nothing recorded',
    classes: ['missing-post'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.claude.edit('src/app.js', ...ROUNDED, { post: false });
      s.replace('src/app.js', "  const rounded = Math.round(sum * 100) / 100;\n  if (rounded !== sum) console.warn('rounded');\n  return sum;\n", '  return sum.toFixed(2);\n');
      await s.commitAll('fixed');
    },
    expect: {
      'src/app.js': `
        h  | export function total(items) {
        h  |   let sum = 0;
        h  |   for (const i of items) sum += i.price;
        h  |   return sum.toFixed(2);
        h  | }`,
    },
    commits: { fixed: null },
  },
  {
    name: 'missing PostToolUse, the edit was never made (tool refused): nothing recorded for the person edit',
    classes: ['missing-post'],
    initial: { 'src/app.js': APP },
    async run(s) {
      const id = 'toolu_refused';
      const input = { file_path: s.abs('src/app.js'), old_string: ROUNDED[0], new_string: ROUNDED[1], replace_all: false };
      await s.hook('claude-code', { ...s.payload('claude-code', 'pre-edit'), tool_input: input, tool_use_id: id });
      s.replace('src/app.js', '  return sum;\n', '  return sum * 2;\n');
      await s.commitAll('double');
    },
    expect: {
      'src/app.js': `
        h  | export function total(items) {
        h  |   let sum = 0;
        h  |   for (const i of items) sum += i.price;
        h  |   return sum * 2;
        h  | }`,
    },
    commits: { double: null },
  },
  // --- AI edits thrown away
  {
    name: 'AI edit discarded with git restore, person writes similar code: human, no trailer',
    classes: ['discarded'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.claude.edit('src/app.js', ...ROUNDED);
      await s.git('restore', 'src/app.js');
      s.replace('src/app.js', '  return sum;\n', '  const rounded = Math.round(sum);\n  return rounded;\n');
      await s.commitAll('round by hand');
    },
    expect: {
      'src/app.js': `
        h  | export function total(items) {
        h  |   let sum = 0;
        h  |   for (const i of items) sum += i.price;
        h  |   const rounded = Math.round(sum);
        h  |   return rounded;
        h  | }`,
    },
    commits: { 'round by hand': null },
  },
  {
    name: 'AI edit discarded with git checkout -- FILE, person writes similar code',
    classes: ['discarded'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.cursor.edit('src/app.js', ...ROUNDED);
      await s.git('checkout', '--', 'src/app.js');
      s.replace('src/app.js', '  return sum;\n', '  const rounded = Math.round(sum * 10) / 10;\n  return rounded;\n');
      await s.commitAll('one decimal');
    },
    expect: {
      'src/app.js': `
        h  | export function total(items) {
        h  |   let sum = 0;
        h  |   for (const i of items) sum += i.price;
        h  |   const rounded = Math.round(sum * 10) / 10;
        h  |   return rounded;
        h  | }`,
    },
    commits: { 'one decimal': null },
  },
  {
    name: 'AI edit discarded with git restore, person writes similar code, not committed',
    classes: ['discarded'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.gemini.replace('src/app.js', ...ROUNDED);
      await s.git('restore', 'src/app.js');
      s.replace('src/app.js', '  return sum;\n', '  const rounded = Math.round(sum * 100) / 100;\n  return rounded;\n');
    },
    expect: {
      'src/app.js': `
        h  | export function total(items) {
        h  |   let sum = 0;
        h  |   for (const i of items) sum += i.price;
        h  |   const rounded = Math.round(sum * 100) / 100;
        h  |   return rounded;
        h  | }`,
    },
  },
  {
    name: 'file created by an agent deleted by the person, recreated by hand with similar text',
    classes: ['discarded'],
    async run(s) {
      await s.claude.write('src/util.js', 'export function clamp(x, lo, hi) {\n  return Math.min(hi, Math.max(lo, x));\n}\n');
      s.remove('src/util.js');
      s.write('src/util.js', 'export function clamp(x, lo, hi) {\n  return x < lo ? lo : x > hi ? hi : x;\n}\n');
      await s.commitAll('clamp');
    },
    expect: {
      'src/util.js': `
        h  | export function clamp(x, lo, hi) {
        h  |   return x < lo ? lo : x > hi ? hi : x;
        h  | }`,
    },
    commits: { clamp: null },
  },
  {
    name: 'AI edit thrown away with git reset --hard, person writes similar code',
    classes: ['discarded'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.codex.patch('src/app.js', ...ROUNDED);
      await s.git('reset', '-q', '--hard');
      s.replace('src/app.js', '  return sum;\n', '  const rounded = Math.round(sum * 100) / 100;\n  return rounded;\n');
      await s.commitAll('cents');
    },
    expect: {
      'src/app.js': `
        h  | export function total(items) {
        h  |   let sum = 0;
        h  |   for (const i of items) sum += i.price;
        h  |   const rounded = Math.round(sum * 100) / 100;
        h  |   return rounded;
        h  | }`,
    },
    commits: { cents: null },
  },
  {
    name: 'AI edit stashed and the stash dropped, person writes similar code',
    classes: ['discarded', 'stash'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.claude.edit('src/app.js', ...ROUNDED);
      await s.git('stash', '-q');
      await s.git('stash', 'drop', '-q');
      s.replace('src/app.js', '  return sum;\n', '  const rounded = Math.round(sum * 100) / 100;\n  return rounded;\n');
      await s.commitAll('cents by hand');
    },
    expect: {
      'src/app.js': `
        h  | export function total(items) {
        h  |   let sum = 0;
        h  |   for (const i of items) sum += i.price;
        h  |   const rounded = Math.round(sum * 100) / 100;
        h  |   return rounded;
        h  | }`,
    },
    commits: { 'cents by hand': null },
  },
  // --- a person's saves while an agent's shell command runs
  {
    name: 'person saves another file in the editor while claude-code Bash runs sed: only the sed line is the agent\'s',
    classes: ['shell-person'],
    initial: { 'src/app.js': APP, 'src/b.js': 'export const b = 1;\n' },
    async run(s) {
      await s.claude.bash("sed -i 's/^  return sum;$/  return sum + shipping(items);/' src/app.js", () => s.saveReplace('src/b.js', 'export const b = 1;\n', 'export const b = 1;\nexport const c = 2;\n'));
      await s.commitAll('shipping');
    },
    expect: {
      'src/app.js': `
        h  | export function total(items) {
        h  |   let sum = 0;
        h  |   for (const i of items) sum += i.price;
        cc~|   return sum + shipping(items);
        h  | }`,
      'src/b.js': 'h | export const b = 1;\nh | export const c = 2;',
    },
    commits: { shipping: '1/2' },
  },
  {
    name: 'person saves a file in the editor while a cursor shell command that writes nothing runs',
    classes: ['shell-person'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.cursor.shell('ls src > /dev/null', () => s.saveReplace('src/app.js', '  return sum;\n', '  return sum; // gross\n'));
      await s.commitAll('comment');
    },
    expect: {
      'src/app.js': `
        h  | export function total(items) {
        h  |   let sum = 0;
        h  |   for (const i of items) sum += i.price;
        h  |   return sum; // gross
        h  | }`,
    },
    commits: { comment: null },
  },
  {
    name: 'person creates a file in the editor while codex Bash generates another',
    classes: ['shell-person'],
    async run(s) {
      await s.codex.bash("mkdir -p src && printf 'export const GENERATED = true;\\n' > src/gen.js", () => s.save('src/mine.js', 'export const mine = true;\n'));
      await s.commitAll('gen and mine');
    },
    expect: { 'src/gen.js': 'cx | export const GENERATED = true;', 'src/mine.js': 'h | export const mine = true;' },
    commits: { 'gen and mine': '1/2' },
  },
  {
    name: 'person saves in the editor an edit of a human line of the file a gemini-cli command also changes: nothing certain, all human',
    classes: ['shell-person'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.gemini.shell("sed -i 's/^  let sum = 0;$/  let sum = 0n;/' src/app.js", () => s.saveReplace('src/app.js', 'export function total(items) {', 'export function total(items, opts) {'));
      await s.commitAll('bigint');
    },
    expect: {
      'src/app.js': `
        h  | export function total(items, opts) {
        h  |   let sum = 0n;
        h  |   for (const i of items) sum += i.price;
        h  |   return sum;
        h  | }`,
    },
    // The command's change and the person's save cannot be told apart in one file: precision first.
    commits: { bigint: null },
  },
  {
    name: 'person saves a file in the editor while a claude-code Bash command that writes nothing runs, not committed',
    classes: ['shell-person'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.claude.bash('wc -l src/app.js > /dev/null', () => s.saveReplace('src/app.js', '  let sum = 0;\n', '  let sum = 0; // start\n  const seen = new Set();\n'));
    },
    expect: {
      'src/app.js': `
        h  | export function total(items) {
        h  |   let sum = 0; // start
        h  |   const seen = new Set();
        h  |   for (const i of items) sum += i.price;
        h  |   return sum;
        h  | }`,
    },
  },
];
