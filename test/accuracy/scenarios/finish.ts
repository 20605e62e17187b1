// Finishing a squash, merge, cherry-pick or revert every way git offers: the commit gets the AI lines' trailers.
import { human, type Scenario, type Session } from '../harness';
import { APP } from './basic';

const FEATURE_EDIT = ['  return sum;\n', '  if (sum < 0) throw new RangeError(`negative total ${sum}`);\n  return sum;\n'] as const;
const FEATURE_FILE = `
  h  | export function total(items) {
  h  |   let sum = 0;
  h  |   for (const i of items) sum += i.price;
  cc |   if (sum < 0) throw new RangeError(\`negative total \${sum}\`);
  h  |   return sum;
  h  | }`;

/** A branch `feature` with one claude-code commit, and a person's commit on main meanwhile; main checked out. */
async function feature(s: Session): Promise<void> {
  await s.git('checkout', '-q', '-b', 'feature');
  await s.claude.edit('src/app.js', ...FEATURE_EDIT);
  await s.commitAll('feature: reject negative totals');
  await s.git('checkout', '-q', 'main');
  s.write('README.md', '# Shop\n');
  await s.commitAll('readme');
}

function squash(name: string, finish: (s: Session) => Promise<void>, subject = 'squashed feature', readme = '# Shop\n', aiLines = '1/1'): Scenario {
  return {
    name: `merge --squash finished with ${name}`,
    classes: ['finish'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await feature(s);
      await s.git('merge', '--squash', '-q', 'feature');
      await finish(s);
      await s.git('branch', '-q', '-D', 'feature');
    },
    expect: { 'src/app.js': FEATURE_FILE, 'README.md': human(readme) },
    commits: { readme: null, [subject]: aiLines },
  };
}

/** `cherry-pick -n` of the feature commit onto main, finished by `finish` into a commit with `subject`. */
function pick(name: string, finish: (s: Session) => Promise<void>, subject: string): Scenario {
  return {
    name: `cherry-pick -n finished with ${name}`,
    classes: ['finish'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await feature(s);
      await s.git('cherry-pick', '-n', 'feature');
      await finish(s);
      await s.git('branch', '-q', '-D', 'feature');
    },
    expect: { 'src/app.js': FEATURE_FILE, 'README.md': human('# Shop\n') },
    commits: { readme: null, [subject]: '1/1' },
  };
}

/**
 * The feature commit and a person's commit on main changing the same line; `apply` (git arguments) then stops on the
 * conflict, which the person resolves keeping both changes.
 */
async function conflicting(s: Session, apply: string[]): Promise<void> {
  await s.git('checkout', '-q', '-b', 'feature');
  await s.claude.edit('src/app.js', ...FEATURE_EDIT);
  await s.commitAll('feature: reject negative totals');
  await s.git('checkout', '-q', 'main');
  s.replace('src/app.js', '  return sum;\n', '  return sum; // may be negative\n');
  await s.commitAll('comment');
  await s.git(...apply).catch(() => undefined);
  s.write('src/app.js', APP.replace('  return sum;\n', FEATURE_EDIT[1].replace('  return sum;\n', '  return sum; // may be negative\n')));
}

const AI_THEN_DELETED = async (s: Session): Promise<void> => {
  await s.claude.edit('src/app.js', ...FEATURE_EDIT);
  await s.commitAll('reject negative totals');
  s.replace('src/app.js', FEATURE_EDIT[1], FEATURE_EDIT[0]);
  await s.commitAll('allow negative totals');
};

export const scenarios: Scenario[] = [
  squash('commit -m', (s) => s.commit('squashed feature')),
  squash('commit -F', async (s) => {
    s.write('../msg.txt', 'squashed feature\n\nAll of the feature branch.\n');
    await s.git('commit', '-q', '-F', '../msg.txt');
  }),
  squash('commit --no-edit (SQUASH_MSG reworded by a hook-less script first)', async (s) => {
    // git's own squash message starts with "Squashed commit of the following": give it the expected subject.
    s.write('.git/SQUASH_MSG', 'squashed feature\n\n' + s.read('.git/SQUASH_MSG'));
    await s.git('commit', '-q', '--no-edit');
  }),
  squash('the editor (a script writing the message)', async (s) => {
    s.write('../editor.sh', '#!/bin/sh\nprintf "squashed feature\\n\\nvia the editor\\n" > "$1"\n');
    await s.sh('chmod +x ../editor.sh');
    await s.sh('GIT_EDITOR=../editor.sh git commit -q');
  }),
  squash('a plain commit, the editor being GIT_EDITOR=true (git\'s own message)', (s) => s.git('commit', '-q').then(() => undefined), 'Squashed commit of the following:'),
  squash(
    'commit -m after a person also edited another file',
    async (s) => {
      s.write('README.md', '# Shop\n\nSums prices.\n');
      await s.git('add', 'README.md');
      await s.commit('squashed feature');
    },
    'squashed feature',
    '# Shop\n\nSums prices.\n',
    // AI-Lines is AI lines over every added or changed line: the two README lines the person added count too.
    '1/3',
  ),
  {
    name: 'merge --no-ff: merge commits get no trailers, the AI line stays AI',
    classes: ['finish'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await feature(s);
      await s.git('merge', '-q', '--no-ff', '-m', 'merge feature', 'feature');
    },
    expect: { 'src/app.js': FEATURE_FILE, 'README.md': human('# Shop\n') },
    commits: { readme: null, 'feature: reject negative totals': '1/1', 'merge feature': null },
  },
  {
    name: 'merge with a conflict resolved by the person, finished with commit -m',
    classes: ['finish'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.git('checkout', '-q', '-b', 'feature');
      await s.claude.edit('src/app.js', '  return sum;\n', '  return Math.max(0, sum);\n');
      await s.commitAll('feature: clamp');
      await s.git('checkout', '-q', 'main');
      s.replace('src/app.js', '  return sum;\n', '  return sum | 0;\n');
      await s.commitAll('main: integer');
      await s.git('merge', '-q', 'feature').catch(() => undefined);
      s.replace('src/app.js', '<<<<<<< HEAD\n  return sum | 0;\n=======\n  return Math.max(0, sum);\n>>>>>>> feature\n', '  return Math.max(0, sum);\n');
      await s.git('add', 'src/app.js');
      await s.commit('merge feature by hand');
    },
    expect: {
      'src/app.js': `
        h  | export function total(items) {
        h  |   let sum = 0;
        h  |   for (const i of items) sum += i.price;
        cc~|   return Math.max(0, sum);
        h  | }`,
    },
    commits: { 'feature: clamp': '1/1', 'main: integer': null, 'merge feature by hand': null },
  },
  {
    name: 'cherry-pick of an AI commit',
    classes: ['finish'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await feature(s);
      await s.git('cherry-pick', 'feature');
      await s.git('branch', '-q', '-D', 'feature');
    },
    expect: { 'src/app.js': FEATURE_FILE, 'README.md': human('# Shop\n') },
    commits: { readme: null, 'feature: reject negative totals': '1/1' },
  },
  pick('commit -m', (s) => s.commit('picked by hand'), 'picked by hand'),
  pick(
    'commit -F',
    async (s) => {
      s.write('../msg.txt', 'picked from a file\n');
      await s.git('commit', '-q', '-F', '../msg.txt');
    },
    'picked from a file',
  ),
  pick('commit --no-edit (GIT_EDITOR=true)', (s) => s.git('commit', '-q', '--no-edit').then(() => undefined), 'feature: reject negative totals'),
  pick('a plain commit, the editor being GIT_EDITOR=true', (s) => s.git('commit', '-q').then(() => undefined), 'feature: reject negative totals'),
  {
    name: 'revert --no-edit of the commit that deleted AI lines brings them back as AI',
    classes: ['finish'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await AI_THEN_DELETED(s);
      await s.git('revert', '--no-edit', 'HEAD');
    },
    expect: { 'src/app.js': FEATURE_FILE },
    commits: { 'reject negative totals': '1/1', 'allow negative totals': null, 'Revert "allow negative totals"': '1/1' },
  },
  {
    name: 'revert -n then commit -m',
    classes: ['finish'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await AI_THEN_DELETED(s);
      await s.git('revert', '-n', 'HEAD');
      await s.commit('bring the check back');
    },
    expect: { 'src/app.js': FEATURE_FILE },
    commits: { 'reject negative totals': '1/1', 'allow negative totals': null, 'bring the check back': '1/1' },
  },
  {
    name: 'revert of the AI commit itself: no AI line left, no trailer',
    classes: ['finish'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.claude.edit('src/app.js', ...FEATURE_EDIT);
      await s.commitAll('reject negative totals');
      await s.git('revert', '--no-edit', 'HEAD');
    },
    expect: {
      'src/app.js': `
        h  | export function total(items) {
        h  |   let sum = 0;
        h  |   for (const i of items) sum += i.price;
        h  |   return sum;
        h  | }`,
    },
    commits: { 'reject negative totals': '1/1', 'Revert "reject negative totals"': null },
  },
  {
    name: 'merge --squash of two AI commits by two agents, finished with commit -m',
    classes: ['finish', 'interleaved'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await s.git('checkout', '-q', '-b', 'feature');
      await s.claude.edit('src/app.js', ...FEATURE_EDIT);
      await s.commitAll('feature: reject negative totals');
      await s.codex.add('src/app.test.js', "import { total } from './app.js';\nconsole.assert(total([{ price: 2 }]) === 2);\n");
      await s.commitAll('feature: test');
      await s.git('checkout', '-q', 'main');
      await s.git('merge', '--squash', '-q', 'feature');
      await s.commit('feature with its test');
      await s.git('branch', '-q', '-D', 'feature');
    },
    expect: {
      'src/app.js': FEATURE_FILE,
      'src/app.test.js': "cx | import { total } from './app.js';\ncx | console.assert(total([{ price: 2 }]) === 2);",
    },
    commits: { 'feature with its test': '3/3' },
  },
  {
    name: 'cherry-pick with a conflict, resolved by the person, --continue with GIT_EDITOR=true',
    classes: ['finish'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await conflicting(s, ['cherry-pick', 'feature']);
      await s.git('add', 'src/app.js');
      await s.git('cherry-pick', '--continue');
      await s.git('branch', '-q', '-D', 'feature');
    },
    expect: {
      'src/app.js': FEATURE_FILE.replace('h  |   return sum;', 'h  |   return sum; // may be negative'),
    },
    commits: { comment: null, 'feature: reject negative totals': '1/1' },
  },
  {
    name: 'merge --squash finished with commit -m after the person resolved a conflict',
    classes: ['finish'],
    initial: { 'src/app.js': APP },
    async run(s) {
      await conflicting(s, ['merge', '--squash', 'feature']);
      await s.git('add', 'src/app.js');
      await s.commit('squashed feature');
      await s.git('branch', '-q', '-D', 'feature');
    },
    expect: {
      'src/app.js': FEATURE_FILE.replace('h  |   return sum;', 'h  |   return sum; // may be negative'),
    },
    commits: { comment: null, 'squashed feature': '1/1' },
  },
];
