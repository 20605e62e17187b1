// Class: moved AI code keeps its author, whether moved before its first commit, outside the editor, or later.
import { human, type Scenario, type Session } from '../harness';

const MOD = `import { readFileSync } from 'node:fs';

export function load(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function main() {
  console.log(load('config.json'));
}
`;

const HELPER = `export function validate(config) {
  if (typeof config.port !== 'number') throw new TypeError('port must be a number');
  if (!config.host) throw new TypeError('host is required');
  return config;
}
`;

/** claude-code adds `validate` at the end of src/mod.js. */
async function addHelper(s: Session): Promise<void> {
  await s.claude.edit('src/mod.js', "  console.log(load('config.json'));\n}\n", "  console.log(load('config.json'));\n}\n\n" + HELPER);
}

/** The person cuts the helper (and the blank line before it) and pastes it above `load`. */
function moveHelperUp(s: Session): void {
  const text = s.read('src/mod.js').replace('\n\n' + HELPER, '\n');
  s.write('src/mod.js', text.replace('export function load(path) {', HELPER + '\nexport function load(path) {'));
}

const MOVED_UP = `
  h  | import { readFileSync } from 'node:fs';
  h  |
  cc | export function validate(config) {
  cc |   if (typeof config.port !== 'number') throw new TypeError('port must be a number');
  cc |   if (!config.host) throw new TypeError('host is required');
  cc |   return config;
  cc | }
  h  |
  h  | export function load(path) {
  h  |   return JSON.parse(readFileSync(path, 'utf8'));
  h  | }
  h  |
  h  | export function main() {
  h  |   console.log(load('config.json'));
  h  | }`;

export const scenarios: Scenario[] = [
  {
    name: 'AI block moved up by the person before the first commit (working state)',
    classes: ['moved'],
    initial: { 'src/mod.js': MOD },
    async run(s) {
      await addHelper(s);
      moveHelperUp(s);
    },
    expect: { 'src/mod.js': MOVED_UP },
  },
  {
    name: 'AI block moved up by the person before the first commit, then committed',
    classes: ['moved'],
    initial: { 'src/mod.js': MOD },
    async run(s) {
      await addHelper(s);
      moveHelperUp(s);
      await s.commitAll('validate the config');
    },
    expect: { 'src/mod.js': MOVED_UP },
    commits: { 'validate the config': '5/6' },
  },
  {
    name: 'committed AI block moved up in a later commit: blame follows, the move commit says AI',
    classes: ['moved'],
    initial: { 'src/mod.js': MOD },
    async run(s) {
      await addHelper(s);
      await s.commitAll('validate the config');
      moveHelperUp(s);
      await s.commitAll('validate first');
    },
    expect: { 'src/mod.js': MOVED_UP },
    commits: { 'validate the config': '5/6', 'validate first': '5/6' },
  },
  {
    name: 'committed AI block moved up in the working tree, not committed',
    classes: ['moved'],
    initial: { 'src/mod.js': MOD },
    async run(s) {
      await addHelper(s);
      await s.commitAll('validate the config');
      moveHelperUp(s);
    },
    expect: { 'src/mod.js': MOVED_UP },
    commits: { 'validate the config': '5/6' },
  },
  {
    name: 'committed AI block moved to another file in a later commit',
    classes: ['moved'],
    initial: { 'src/mod.js': MOD },
    async run(s) {
      await addHelper(s);
      await s.commitAll('validate the config');
      s.write('src/mod.js', MOD);
      s.write('src/validate.js', HELPER);
      await s.commitAll('own module for validate');
    },
    expect: {
      'src/mod.js': human(MOD),
      'src/validate.js': `
        cc | export function validate(config) {
        cc |   if (typeof config.port !== 'number') throw new TypeError('port must be a number');
        cc |   if (!config.host) throw new TypeError('host is required');
        cc |   return config;
        cc | }`,
    },
    commits: { 'validate the config': '5/6', 'own module for validate': '5/5' },
  },
  {
    name: 'uncommitted AI block moved by the person to another file before the commit',
    classes: ['moved'],
    initial: { 'src/mod.js': MOD },
    async run(s) {
      await addHelper(s);
      s.write('src/mod.js', MOD);
      s.write('src/validate.js', HELPER);
      await s.commitAll('validate in its own module');
    },
    expect: {
      'src/mod.js': human(MOD),
      'src/validate.js': `
        cc | export function validate(config) {
        cc |   if (typeof config.port !== 'number') throw new TypeError('port must be a number');
        cc |   if (!config.host) throw new TypeError('host is required');
        cc |   return config;
        cc | }`,
    },
    commits: { 'validate in its own module': '5/5' },
  },
  {
    name: 'cursor lines moved by a shell script of the person (outside the editor) before the commit',
    classes: ['moved'],
    initial: { 'src/list.py': 'def first(xs):\n    return xs[0]\n\n\ndef last(xs):\n    return xs[-1]\n' },
    async run(s) {
      await s.cursor.edit('src/list.py', '\ndef last(xs):\n', '\ndef middle(xs):\n    """The element in the middle, the earlier one of two."""\n    return xs[(len(xs) - 1) // 2]\n\n\ndef last(xs):\n');
      // The person reorders with a script: middle() goes to the end of the file.
      await s.sh(`python3 - <<'PY'
import re
t = open('src/list.py').read()
block = 'def middle(xs):\\n    """The element in the middle, the earlier one of two."""\\n    return xs[(len(xs) - 1) // 2]\\n\\n\\n'
t = t.replace(block, '') + '\\n\\n' + block.rstrip('\\n') + '\\n'
open('src/list.py', 'w').write(t)
PY`);
      await s.commitAll('middle');
    },
    expect: {
      'src/list.py': `
        h  | def first(xs):
        h  |     return xs[0]
        h  |
        h  |
        h  | def last(xs):
        h  |     return xs[-1]
        h  |
        h  |
        cu | def middle(xs):
        cu |     """The element in the middle, the earlier one of two."""
        cu |     return xs[(len(xs) - 1) // 2]`,
    },
    commits: { middle: '3/5' },
  },
  {
    name: 'codex lines swapped with a person block in a later commit',
    classes: ['moved'],
    initial: { 'src/order.rs': 'fn a() -> u32 {\n    let base = 40;\n    let step = 2;\n    base + step\n}\n' },
    async run(s) {
      await s.codex.patch('src/order.rs', '    base + step\n}\n', '    base + step\n}\n\nfn b(values: &[u32]) -> u32 {\n    values.iter().copied().max().unwrap_or_default()\n}\n');
      await s.commitAll('b');
      s.write('src/order.rs', 'fn b(values: &[u32]) -> u32 {\n    values.iter().copied().max().unwrap_or_default()\n}\n\nfn a() -> u32 {\n    let base = 40;\n    let step = 2;\n    base + step\n}\n');
      await s.commitAll('b first');
    },
    expect: {
      'src/order.rs': `
        cx | fn b(values: &[u32]) -> u32 {
        cx |     values.iter().copied().max().unwrap_or_default()
        cx | }
        h  |
        h  | fn a() -> u32 {
        h  |     let base = 40;
        h  |     let step = 2;
        h  |     base + step
        h  | }`,
    },
    commits: { b: '3/4', 'b first': '3/4' },
  },
];
