// Classes: replacements that change the number of lines, a person editing committed AI lines, short AI lines next
// to a person's edit, and a person retyping an AI line (rewrite: human; touch-up: mixed).
import type { Scenario, Session } from '../harness';

const AREA = 'import math\n\n\ndef area(r):\n    # TODO\n    pass\n';

const CHECK = `function check(form) {
  const errors = [];
  if (!form.name) errors.push('name is required');
  if (!form.email) errors.push('email is required');
  if (form.age < 0) errors.push('age must not be negative');
  return errors;
}
`;

async function writeCheck(s: Session): Promise<void> {
  await s.claude.write('src/check.js', CHECK);
}

const SIGNATURE = 'export function limit(user, plan) {\n';
const LIMIT = `${SIGNATURE}}\n`;
/** The agent fills the empty body: an insertion, so the lines are AI whatever the person does next. */
const LIMIT_AI = [SIGNATURE, `${SIGNATURE}  const limit = computeLimit(user, plan);\n  return Math.max(limit, plan.minimum);\n`] as const;

export const scenarios: Scenario[] = [
  // --- replacements that change the number of lines
  {
    name: 'agent turns # TODO + pass into code: every new line AI',
    classes: ['replace'],
    initial: { 'geo.py': AREA },
    async run(s) {
      await s.claude.edit('geo.py', '    # TODO\n    pass\n', '    if r < 0:\n        raise ValueError("negative radius")\n    return math.pi * r * r\n');
      await s.commitAll('area');
    },
    expect: {
      'geo.py': `
        h  | import math
        h  |
        h  |
        h  | def area(r):
        cc |     if r < 0:
        cc |         raise ValueError("negative radius")
        cc |     return math.pi * r * r`,
    },
    commits: { area: '3/3' },
  },
  {
    name: 'cursor replaces two lines with four that share words with them',
    classes: ['replace'],
    initial: { 'src/clean.js': 'export function clean(input) {\n  // TODO: validate\n  return null;\n}\n' },
    async run(s) {
      await s.cursor.edit('src/clean.js', '  // TODO: validate\n  return null;\n', '  if (!input) {\n    return null;\n  }\n  return input.trim();\n');
      await s.commitAll('clean');
    },
    expect: {
      'src/clean.js': `
        h  | export function clean(input) {
        cu |   if (!input) {
        cu |     return null;
        cu |   }
        cu |   return input.trim();
        h  | }`,
    },
    commits: { clean: '4/4' },
  },
  {
    name: 'gemini-cli replaces one line with three, the first starting like the old one',
    classes: ['replace'],
    initial: { 'src/x.ts': 'export function run(): number {\n  const x = 0;\n  return x;\n}\n' },
    async run(s) {
      await s.gemini.replace('src/x.ts', '  const x = 0;\n', '  const x = compute();\n  validate(x);\n  log(x);\n');
      await s.commitAll('compute x');
    },
    expect: {
      'src/x.ts': `
        h  | export function run(): number {
        gm |   const x = compute();
        gm |   validate(x);
        gm |   log(x);
        h  |   return x;
        h  | }`,
    },
    commits: { 'compute x': '3/3' },
  },
  {
    name: 'codex collapses three lines into one',
    classes: ['replace'],
    initial: { 'src/sum.go': 'package sum\n\nfunc Sum(xs []int) int {\n\ttotal := 0\n\tfor _, x := range xs {\n\t\ttotal += x\n\t}\n\treturn total\n}\n' },
    async run(s) {
      await s.codex.patch('src/sum.go', '\ttotal := 0\n\tfor _, x := range xs {\n\t\ttotal += x\n\t}\n\treturn total\n', '\treturn lo.Sum(xs)\n');
      await s.commitAll('use lo');
    },
    expect: {
      'src/sum.go': `
        h  | package sum
        h  |
        h  | func Sum(xs []int) int {
        cx | \treturn lo.Sum(xs)
        h  | }`,
    },
    commits: { 'use lo': '1/1' },
  },
  {
    name: 'claude-code Write rewriting a whole file with more lines: unchanged lines stay human',
    classes: ['replace'],
    initial: { 'src/cfg.js': "export const config = {\n  port: 8080,\n  host: 'localhost',\n};\n" },
    async run(s) {
      await s.claude.write('src/cfg.js', "export const config = {\n  port: Number(process.env.PORT ?? 8080),\n  host: process.env.HOST ?? 'localhost',\n  tls: process.env.TLS === '1',\n};\n");
      await s.commitAll('config from env');
    },
    expect: {
      'src/cfg.js': `
        h  | export const config = {
        cc |   port: Number(process.env.PORT ?? 8080),
        cc |   host: process.env.HOST ?? 'localhost',
        cc |   tls: process.env.TLS === '1',
        h  | };`,
    },
    commits: { 'config from env': '3/3' },
  },
  // --- a person's edit to committed AI lines
  {
    name: 'person edits a committed AI line: mixed in the new commit',
    classes: ['edit-committed'],
    initial: { 'src/limit.js': LIMIT },
    async run(s) {
      await s.claude.edit('src/limit.js', ...LIMIT_AI);
      await s.commitAll('limit');
      s.replace('src/limit.js', 'plan.minimum', 'plan.floor');
      await s.commitAll('floor');
    },
    expect: {
      'src/limit.js': `
        h  | export function limit(user, plan) {
        cc |   const limit = computeLimit(user, plan);
        cc~|   return Math.max(limit, plan.floor);
        h  | }`,
    },
    commits: { limit: '2/2', floor: '1/1' },
  },
  {
    name: 'person edits a committed AI line, not committed yet',
    classes: ['edit-committed'],
    initial: { 'src/limit.js': LIMIT },
    async run(s) {
      await s.claude.edit('src/limit.js', ...LIMIT_AI);
      await s.commitAll('limit');
      s.replace('src/limit.js', 'plan.minimum', 'plan.floor');
    },
    expect: {
      'src/limit.js': `
        h  | export function limit(user, plan) {
        cc |   const limit = computeLimit(user, plan);
        cc~|   return Math.max(limit, plan.floor);
        h  | }`,
    },
    commits: { limit: '2/2' },
  },
  {
    name: 'person appends a comment to a committed codex line and edits a human line in the same commit',
    classes: ['edit-committed'],
    initial: { 'src/limit.js': LIMIT },
    async run(s) {
      await s.codex.patch('src/limit.js', SIGNATURE, `${SIGNATURE}  return plan.quota * user.seats;\n`);
      await s.commitAll('quota');
      s.replace('src/limit.js', '  return plan.quota * user.seats;\n', '  return plan.quota * user.seats; // per seat\n');
      s.replace('src/limit.js', 'export function limit(user, plan) {', 'export function limit(user, plan, now) {');
      await s.commitAll('per seat');
    },
    expect: {
      'src/limit.js': `
        h  | export function limit(user, plan, now) {
        cx~|   return plan.quota * user.seats; // per seat
        h  | }`,
    },
    commits: { quota: '1/1', 'per seat': '1/2' },
  },
  {
    name: 'person edits a committed gemini line two commits later',
    classes: ['edit-committed'],
    initial: { 'src/limit.js': LIMIT },
    async run(s) {
      await s.gemini.replace('src/limit.js', SIGNATURE, `${SIGNATURE}  return Math.min(plan.quota, user.requested ?? plan.quota);\n`);
      await s.commitAll('requested');
      s.write('NOTES.md', 'limits\n');
      await s.commitAll('notes');
      s.replace('src/limit.js', 'user.requested ?? plan.quota', 'user.requested ?? 0');
      await s.commitAll('default zero');
    },
    expect: {
      'src/limit.js': `
        h  | export function limit(user, plan) {
        gm~|   return Math.min(plan.quota, user.requested ?? 0);
        h  | }`,
      'NOTES.md': 'h | limits',
    },
    commits: { requested: '1/1', notes: null, 'default zero': '1/1' },
  },
  // --- short AI lines next to a person's edit
  {
    name: 'person deletes one AI line before the commit: short AI lines below keep their author',
    classes: ['short-lines'],
    async run(s) {
      await writeCheck(s);
      s.replace('src/check.js', "  if (form.age < 0) errors.push('age must not be negative');\n", '');
      await s.commitAll('check');
    },
    expect: {
      'src/check.js': `
        cc | function check(form) {
        cc |   const errors = [];
        cc |   if (!form.name) errors.push('name is required');
        cc |   if (!form.email) errors.push('email is required');
        cc |   return errors;
        cc | }`,
    },
    commits: { check: '6/6' },
  },
  {
    name: 'person deletes two committed AI lines: return errors; and } stay AI',
    classes: ['short-lines'],
    async run(s) {
      await writeCheck(s);
      await s.commitAll('check');
      s.replace('src/check.js', "  if (!form.email) errors.push('email is required');\n  if (form.age < 0) errors.push('age must not be negative');\n", '');
      await s.commitAll('fewer checks');
    },
    expect: {
      'src/check.js': `
        cc | function check(form) {
        cc |   const errors = [];
        cc |   if (!form.name) errors.push('name is required');
        cc |   return errors;
        cc | }`,
    },
    commits: { check: '7/7', 'fewer checks': null },
  },
  {
    name: 'person deletes AI lines, not committed: the rest keeps its author in the working tree',
    classes: ['short-lines'],
    async run(s) {
      await writeCheck(s);
      s.replace('src/check.js', "  if (!form.name) errors.push('name is required');\n  if (!form.email) errors.push('email is required');\n", '');
    },
    expect: {
      'src/check.js': `
        cc | function check(form) {
        cc |   const errors = [];
        cc |   if (form.age < 0) errors.push('age must not be negative');
        cc |   return errors;
        cc | }`,
    },
  },
  {
    name: 'person replaces AI checks by one typed line: the typed line human, short AI lines AI',
    classes: ['short-lines'],
    async run(s) {
      await writeCheck(s);
      s.replace('src/check.js', "  if (!form.name) errors.push('name is required');\n  if (!form.email) errors.push('email is required');\n  if (form.age < 0) errors.push('age must not be negative');\n", "  if (!form.valid) errors.push('invalid');\n");
      await s.commitAll('one check');
    },
    expect: {
      'src/check.js': `
        cc | function check(form) {
        cc |   const errors = [];
        h  |   if (!form.valid) errors.push('invalid');
        cc |   return errors;
        cc | }`,
    },
    commits: { 'one check': '4/5' },
  },
  {
    name: 'person types a new function with the same short lines as the AI one: they stay human',
    classes: ['short-lines'],
    async run(s) {
      await writeCheck(s);
      await s.commitAll('check');
      s.write('src/check.js', s.read('src/check.js') + '\nfunction none() {\n  const errors = [];\n  return errors;\n}\n');
      await s.commitAll('none');
    },
    expect: {
      'src/check.js': `
        cc | function check(form) {
        cc |   const errors = [];
        cc |   if (!form.name) errors.push('name is required');
        cc |   if (!form.email) errors.push('email is required');
        cc |   if (form.age < 0) errors.push('age must not be negative');
        cc |   return errors;
        cc | }
        h  |
        h  | function none() {
        h  |   const errors = [];
        h  |   return errors;
        h  | }`,
    },
    commits: { check: '7/7', none: null },
  },
  // --- a person retyping an AI line
  {
    name: 'person rewrites a committed AI line entirely: human, no trailer',
    classes: ['retype'],
    initial: { 'src/limit.js': LIMIT },
    async run(s) {
      await s.claude.edit('src/limit.js', ...LIMIT_AI);
      await s.commitAll('limit');
      s.replace('src/limit.js', '  const limit = computeLimit(user, plan);\n', '  const limit = plan.quota ?? DEFAULT_QUOTA;\n');
      await s.commitAll('quota');
    },
    expect: {
      'src/limit.js': `
        h  | export function limit(user, plan) {
        h  |   const limit = plan.quota ?? DEFAULT_QUOTA;
        cc |   return Math.max(limit, plan.minimum);
        h  | }`,
    },
    commits: { limit: '2/2', quota: null },
  },
  {
    name: 'person touches up a committed AI line: mixed',
    classes: ['retype'],
    initial: { 'src/limit.js': LIMIT },
    async run(s) {
      await s.claude.edit('src/limit.js', ...LIMIT_AI);
      await s.commitAll('limit');
      s.replace('src/limit.js', 'computeLimit(user, plan)', 'computeLimit(user, plan, Date.now())');
      await s.commitAll('now');
    },
    expect: {
      'src/limit.js': `
        h  | export function limit(user, plan) {
        cc~|   const limit = computeLimit(user, plan, Date.now());
        cc |   return Math.max(limit, plan.minimum);
        h  | }`,
    },
    commits: { limit: '2/2', now: '1/1' },
  },
  {
    name: 'person rewrites an uncommitted AI line before the first commit',
    classes: ['retype'],
    initial: { 'src/limit.js': LIMIT },
    async run(s) {
      await s.cursor.edit('src/limit.js', ...LIMIT_AI);
      s.replace('src/limit.js', '  return Math.max(limit, plan.minimum);\n', '  return clamp(limit, 1, 100);\n');
      await s.commitAll('limit');
    },
    expect: {
      'src/limit.js': `
        h  | export function limit(user, plan) {
        cu |   const limit = computeLimit(user, plan);
        h  |   return clamp(limit, 1, 100);
        h  | }`,
    },
    commits: { limit: '1/2' },
  },
  {
    name: 'person retypes a committed codex line with sed (outside the editor)',
    classes: ['retype'],
    initial: { 'src/limit.js': LIMIT },
    async run(s) {
      await s.codex.patch('src/limit.js', ...LIMIT_AI);
      await s.commitAll('limit');
      await s.sh("sed -i 's/^  return Math.max(limit, plan.minimum);$/  if (limit > 9) throw new Error(\"over\");/' src/limit.js");
      await s.commitAll('no clamp');
    },
    expect: {
      'src/limit.js': `
        h  | export function limit(user, plan) {
        cx |   const limit = computeLimit(user, plan);
        h  |   if (limit > 9) throw new Error("over");
        h  | }`,
    },
    commits: { limit: '2/2', 'no clamp': null },
  },
  {
    name: 'person inserts a line between committed AI lines: every AI line keeps its author',
    classes: ['short-lines'],
    async run(s) {
      await writeCheck(s);
      await s.commitAll('check');
      s.replace('src/check.js', '  return errors;\n', '  errors.sort();\n  return errors;\n');
      await s.commitAll('sorted');
    },
    expect: {
      'src/check.js': `
        cc | function check(form) {
        cc |   const errors = [];
        cc |   if (!form.name) errors.push('name is required');
        cc |   if (!form.email) errors.push('email is required');
        cc |   if (form.age < 0) errors.push('age must not be negative');
        h  |   errors.sort();
        cc |   return errors;
        cc | }`,
    },
    commits: { check: '7/7', sorted: null },
  },
  {
    name: 'person rewrites a committed AI line, not committed yet: human in the working tree',
    classes: ['retype'],
    initial: { 'src/limit.js': LIMIT },
    async run(s) {
      await s.gemini.replace('src/limit.js', ...LIMIT_AI);
      await s.commitAll('limit');
      s.replace('src/limit.js', '  const limit = computeLimit(user, plan);\n', '  const limit = user.isAdmin ? Infinity : 10;\n');
    },
    expect: {
      'src/limit.js': `
        h  | export function limit(user, plan) {
        h  |   const limit = user.isAdmin ? Infinity : 10;
        gm |   return Math.max(limit, plan.minimum);
        h  | }`,
    },
    commits: { limit: '2/2' },
  },
];
