// The hooks' shell decides some things without Node that Node's code also decides (replay and --amend detection, the
// comment character, our own trailers, the trailer paragraph a sign-off belongs to, the block rules' sign-off, the
// mark of a commit that cannot be judged, the working state's layout and lock). Each shell function, taken from the
// hook as installed (placeholders filled) and run by `sh`, and its TypeScript twin get the same table of cases: both
// must give the expected answer, so that the two copies cannot drift apart unnoticed.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CriticalRule } from '../../../src/core/config';
import { isSignedOff, type PolicyFinding } from '../../../src/core/policy';
import { isOwnedTrailer, parseTrailers } from '../../../src/core/trailers';
import { blockedRuleReviewers, commentCharFor, replayKind } from '../../../src/git/hookFlows';
import { markUnjudged } from '../../../src/git/hookFailures';
import { CATCH_UP_FILE, hookScript, shQuote, type GitHookName } from '../../../src/git/hookScripts';
import { discoverRepo, stateDir, type Repo } from '../../../src/git/repo';
import { StateLayout } from '../../../src/git/stateStore';
import { StateLockTimeoutError, WorkingState } from '../../../src/git/workingState';
import { CLAUDE, cleanupTemp, GIT_ENV, initRepo, lines, sh, tempDir } from './helpers';
import { fromLines } from '../../../src/core/lineRuns';

const CLI = '/nonexistent/dist/cli.js';

/** The text of shell function `name` as hook `hook` installs it (`name() {` up to its closing `}` at the line start). */
function shellFunction(hook: GitHookName, name: string): string {
  const script = hookScript(hook, CLI);
  const start = script.indexOf(`\n${name}() {`);
  assert.ok(start >= 0, `${name} is in the ${hook} hook`);
  const firstLine = script.slice(start + 1, script.indexOf('\n', start + 1));
  if (firstLine.endsWith('}')) return firstLine;
  const end = script.indexOf('\n}\n', start);
  return script.slice(start + 1, end + 2);
}

/** The prelude's finding of the git dirs and the working state (its lines from `ap_hint=` to `ap_scratch=`). */
function preludeDirs(hook: GitHookName): string {
  const script = hookScript(hook, CLI);
  const from = script.indexOf('\nap_hint=');
  const to = script.indexOf('\n', script.indexOf('\nap_scratch=') + 1);
  return script.slice(from + 1, to + 1);
}

/** Runs a shell script with `sh` in `cwd`; its stdout, trimmed of the last newline. */
function runSh(script: string, cwd: string, env: NodeJS.ProcessEnv = GIT_ENV): string {
  const r = spawnSync('sh', ['-c', script], { cwd, env, encoding: 'utf8' });
  assert.ifError(r.error);
  assert.equal(r.stderr, '', `sh: ${r.stderr}`);
  return r.stdout.replace(/\n$/, '');
}

/** `sh -c` of a function call, printing `yes` when it succeeds, `no` otherwise. */
function shYesNo(call: string): string {
  return `if ${call}; then echo yes; else echo no; fi`;
}

describe("the hooks' shell and its TypeScript twins", () => {
  after(cleanupTemp);

  describe('replay detection (ap_rebasing, ap_replaying ~ replayKind)', () => {
    // The files git leaves in the git dir while it replays commits, and what each state is.
    const cases: { files: string[]; kind: ReturnType<typeof replayKind> }[] = [
      { files: [], kind: 'none' },
      { files: ['rebase-merge/'], kind: 'rebase' },
      { files: ['rebase-merge/', 'rebase-merge/current-fixups'], kind: 'rebase-squash' },
      { files: ['rebase-merge/', 'rebase-merge/amend'], kind: 'none' },
      { files: ['rebase-merge/', 'rebase-merge/amend', 'CHERRY_PICK_HEAD'], kind: 'rebase' },
      { files: ['rebase-apply/'], kind: 'rebase' },
      { files: ['CHERRY_PICK_HEAD'], kind: 'cherry-pick' },
      { files: ['CHERRY_PICK_HEAD', 'MERGE_MSG'], kind: 'cherry-pick' },
      { files: ['REVERT_HEAD'], kind: 'revert' },
      { files: ['MERGE_MSG'], kind: 'revert' },
      { files: ['MERGE_MSG', 'MERGE_HEAD'], kind: 'none' },
      { files: ['SQUASH_MSG'], kind: 'none' },
    ];
    // As the hooks use them: prepare-commit-msg asks ap_rebasing, then for current-fixups (a squash or fixup);
    // post-commit asks ap_replaying, then for CHERRY_PICK_HEAD (a cherry-pick carries the picked note).
    const shell = [
      shellFunction('post-commit', 'ap_rebasing'),
      shellFunction('post-commit', 'ap_replaying'),
      'if ap_rebasing; then',
      '  if [ -e "$ap_gitdir/rebase-merge/current-fixups" ]; then echo rebase-squash; else echo rebase; fi',
      'elif ap_replaying; then',
      '  if [ -e "$ap_gitdir/CHERRY_PICK_HEAD" ]; then echo cherry-pick; else echo revert; fi',
      'else echo none; fi',
    ].join('\n');

    for (const c of cases) {
      it(`${c.files.join(' + ') || 'nothing'}: ${c.kind}`, () => {
        const gitDir = tempDir();
        for (const f of c.files) {
          if (f.endsWith('/')) mkdirSync(path.join(gitDir, f), { recursive: true });
          else writeFileSync(path.join(gitDir, f), '');
        }
        const ts = replayKind({ gitDir } as Repo);
        const fromShell = runSh(`ap_gitdir='${gitDir}'\n${shell}`, gitDir);
        assert.equal(ts, c.kind, 'TypeScript');
        assert.equal(fromShell, c.kind, 'shell');
      });
    }
  });

  describe('--amend given with -m (ap_is_amend ~ parentCommandHasAmend)', () => {
    // git tells the hook nothing of --amend with -m: both read the command lines of the hook's parent processes. The
    // shell only decides whether Node must start, so it may say yes where Node, reading the arguments exactly, says no.
    const cases: { command: string[]; shell: boolean; node: boolean }[] = [
      { command: ['git', 'commit', '-q', '--allow-empty', '-m', 'two'], shell: false, node: false },
      { command: ['git', 'commit', '-q', '--amend', '-m', 'two'], shell: true, node: true },
      { command: ['git', '-c', 'core.abbrev=12', 'commit', '-q', '--amend', '-m', 'two'], shell: true, node: true },
      { command: ['git', 'commit', '-q', '-m', 'line one\nline two', '--amend'], shell: true, node: true },
      { command: ['sh', '-c', 'git commit -q --amend -m two'], shell: true, node: true },
      { command: ['sh', '-c', 'git commit -q --allow-empty -m two'], shell: false, node: false },
      { command: ['git', 'commit', '-q', '--allow-empty', '-m', 'say --amend in the message'], shell: true, node: false },
    ];
    // Made for each test: the suites of one mocha run share the temporary folders that cleanupTemp removes.
    let probe = '';
    beforeEach(() => {
      probe = path.join(tempDir(), 'amend-probe.ts');
      writeFileSync(probe, `import { parentCommandHasAmend } from ${JSON.stringify(path.resolve(__dirname, '../../../src/git/hookFlows'))};\nvoid parentCommandHasAmend().then((a) => process.stdout.write(a ? 'yes' : 'no'));\n`);
    });

    for (const c of cases) {
      it(`${c.command.join(' ').replace(/\n/g, '⏎')}: shell ${c.shell ? 'yes' : 'no'}, Node ${c.node ? 'yes' : 'no'}`, () => {
        const dir = initRepo();
        writeFileSync(path.join(dir, 'a.txt'), 'a\n');
        sh(dir, 'git', 'add', '.');
        sh(dir, 'git', 'commit', '-q', '-m', 'one');
        const out = path.join(dir, '.git', 'answers');
        const node = [process.execPath, '-r', require.resolve('tsx/cjs'), '-r', path.resolve(__dirname, '../../register-text.cjs'), probe].map(shQuote).join(' ');
        const hook = [
          '#!/bin/sh',
          shellFunction('prepare-commit-msg', 'ap_is_amend'),
          `if ap_is_amend; then printf 'yes ' >> ${shQuote(out)}; else printf 'no ' >> ${shQuote(out)}; fi`,
          `${node} >> ${shQuote(out)}`,
        ].join('\n');
        writeFileSync(path.join(dir, '.git', 'hooks', 'prepare-commit-msg'), `${hook}\n`, { mode: 0o755 });
        const [cmd, ...args] = c.command;
        sh(dir, cmd!, ...args);
        assert.equal(readFileSync(out, 'utf8'), `${c.shell ? 'yes' : 'no'} ${c.node ? 'yes' : 'no'}`);
      });
    }
  });

  describe("the comment character (ap_comment_char ~ commentCharFor)", () => {
    const cases: { config: string | undefined; char: string }[] = [
      { config: undefined, char: '#' },
      { config: ';', char: ';' },
      { config: '%', char: '%' },
      { config: 'auto', char: '#' },
    ];
    for (const c of cases) {
      it(`core.commentChar ${c.config ?? 'unset'}: ${c.char}`, async () => {
        const dir = initRepo();
        if (c.config !== undefined) sh(dir, 'git', 'config', 'core.commentChar', c.config);
        // A message with a line that starts with punctuation and no git template: Node asks git's config.
        const ts = await commentCharFor(await discoverRepo(dir), '; a line\n');
        const scratch = path.join(dir, '.git', 'ai-provenance-commit');
        const fromShell = runSh(`ap_scratch='${scratch}'\n${shellFunction('commit-msg', 'ap_comment_char')}\nap_comment_char\nprintf '%s\\n' "$ap_cc"`, dir);
        assert.equal(ts, c.char, 'TypeScript');
        assert.equal(fromShell, c.char, 'shell');
        // After prepare-commit-msg's Node run, commit-msg's shell reads the character Node wrote (no git process).
        mkdirSync(scratch, { recursive: true });
        writeFileSync(path.join(scratch, 'commentchar'), `${ts}\n`);
        assert.equal(runSh(`ap_scratch='${scratch}'\n${shellFunction('commit-msg', 'ap_comment_char')}\nap_comment_char\nprintf '%s\\n' "$ap_cc"`, '/'), c.char);
      });
    }
  });

  describe('our own trailers (ap_our_line and the awk pattern ~ isOwnedTrailer)', () => {
    const cases: { line: string; ours: boolean }[] = [
      { line: 'Assisted-by: Claude Code (anthropic/claude-opus-4-5)', ours: true },
      { line: 'assisted-BY: Claude Code', ours: true },
      { line: 'AI-Lines: 3/10 (30%)', ours: true },
      { line: 'ai-critical: src/auth.ts', ours: true },
      { line: 'AI-Unjudged: node not found', ours: true },
      { line: 'Co-authored-by: Claude Code <claude-code@ai-provenance.invalid>', ours: true },
      { line: 'co-authored-by: Claude Code <CLAUDE-CODE@AI-PROVENANCE.INVALID>', ours: true },
      { line: 'Co-authored-by: Ann Author <ann@example.com>', ours: false },
      { line: 'Co-authored-by: Ann <ann@ai-provenance.invalid.example.com>', ours: false },
      { line: 'Co-authored-by: Claude Code <claude-code@ai-provenance.invalid> and Ann', ours: false },
      { line: 'Co-authored-by: Claude Code <claude-code@ai-provenance.invalid> \t', ours: true },
      { line: 'Co-authored-by: Claude\tCode <claude\fcode@ai-provenance.invalid>', ours: false },
      { line: 'Co-authored-by: Claude <claude code@ai-provenance.invalid>', ours: false },
      { line: 'Co-authored-by: claude-code@ai-provenance.invalid>', ours: false },
      { line: 'Co-authored-by: Ann <ann@example.com>, Claude <claude-code@ai-provenance.invalid>', ours: true },
      { line: 'Signed-off-by: Ann Author <ann@example.com>', ours: false },
      { line: 'AI-Reviewed-by: Bob Reviewer <bob@example.com>', ours: false },
      { line: 'Assisted-byte: x', ours: false },
      { line: 'Reviewed: Assisted-by: x', ours: false },
    ];
    const ourLine = shellFunction('commit-msg', 'ap_our_line');
    const ere = /^ap_ours='(.*)'$/m.exec(hookScript('commit-msg', CLI))![1]!;

    it('the awk pattern names white space with escapes, not with a class mawk 1.3.3 does not know', () => {
      // mawk 1.3.3 knows no such class and cannot be installed here to run the cases above: the pattern itself is read.
      assert.doesNotMatch(ere, /\[:[a-z]+:\]/);
    });

    for (const c of cases) {
      it(`${c.line}: ${c.ours ? 'ours' : 'not ours'}`, () => {
        // Node reads the line as git reads a trailer at the end of a message.
        const trailers = parseTrailers(`subject\n\n${c.line}\n`);
        assert.equal(trailers.length, 1, 'git reads it as a trailer');
        const ts = isOwnedTrailer(trailers[0]!);
        const fromShell = runSh(`${ourLine}\n${shYesNo(`ap_our_line ${shQuote(c.line)}`)}`, '/');
        const fromAwk = spawnSync('awk', ['-v', `ours=${ere}`, 'tolower($0) ~ ours { print "yes"; next } { print "no" }'], { input: `${c.line}\n`, encoding: 'utf8' }).stdout.trim();
        assert.equal(ts, c.ours, 'TypeScript');
        assert.equal(fromShell, c.ours ? 'yes' : 'no', 'shell');
        assert.equal(fromAwk, c.ours ? 'yes' : 'no', 'awk');
      });
    }
  });

  describe("a sign-off typed below git's comments (ap_join_review's awk ~ parseTrailers)", () => {
    const COMMENTS = "# Please enter the commit message for your changes. Lines starting\n# with '#' will be ignored.\n";
    const REVIEW = 'AI-Reviewed-by: Bob Reviewer <bob@example.com>';
    const cases: { name: string; message: string; joined: boolean }[] = [
      { name: 'below the comments, under a paragraph of ours', message: `Subject\n\nBody\n\nAssisted-by: Claude Code\nAI-Lines: 2/2 (100%)\n\n${COMMENTS}${REVIEW}\n`, joined: true },
      { name: 'after a blank line, no comments', message: `Subject\n\nAssisted-by: Claude Code\n\n${REVIEW}\n`, joined: true },
      { name: 'under ours with a folded line and a person trailer', message: `Subject\n\nAssisted-by: Claude Code\n  (folded)\nSigned-off-by: Ann <ann@example.com>\n\n${COMMENTS}${REVIEW}\n`, joined: true },
      { name: 'already in the trailer block', message: `Subject\n\nAssisted-by: Claude Code\n${REVIEW}\n\n${COMMENTS}`, joined: false },
      { name: 'a paragraph with other text', message: `Subject\n\nAssisted-by: Claude Code\n\n${REVIEW}\nThanks\n`, joined: false },
      { name: 'beside a trailer of a person', message: `Subject\n\nAssisted-by: Claude Code\n\n${REVIEW}\nSigned-off-by: Ann <ann@example.com>\n`, joined: false },
      { name: 'under a paragraph without ours', message: `Subject\n\nSigned-off-by: Ann <ann@example.com>\n\n${REVIEW}\n`, joined: false },
      { name: 'under a paragraph with text', message: `Subject\n\nSome text\nAssisted-by: Claude Code\n\n${REVIEW}\n`, joined: false },
      { name: 'under the subject', message: `Assisted-by: Claude Code\n\n${REVIEW}\n`, joined: false },
      { name: "below git's scissors line", message: `Subject\n\nAssisted-by: Claude Code\n\n# ------------------------ >8 ------------------------\n${REVIEW}\n`, joined: false },
    ];
    const joinReview = [`ap_cc='#'`, /^ap_ours='.*'$/m.exec(hookScript('commit-msg', CLI))![0], shellFunction('commit-msg', 'ap_plain'), shellFunction('commit-msg', 'ap_join_review'), 'ap_join_review MSG || :'].join('\n');
    const isReview = (t: { token: string }): boolean => t.token.toLowerCase() === 'ai-reviewed-by';
    /** The trailers git itself reads once it has stripped the comments. */
    const gitReads = (message: string): string[] =>
      spawnSync('sh', ['-c', 'git stripspace --strip-comments | git interpret-trailers --parse'], { input: message, encoding: 'utf8' }).stdout.split('\n').filter((l) => l !== '').map((l) => l.slice(0, l.indexOf(':')));

    for (const c of cases) {
      it(`${c.name}: ${c.joined ? 'joined to our trailers' : 'left byte for byte'}`, () => {
        // Node's reading: git sees the sign-offs alone as the trailers, and ours in the paragraph above them.
        const read = parseTrailers(c.message, { commentChar: '#' });
        const above = parseTrailers(c.message.slice(0, c.message.lastIndexOf('\n\n', c.message.indexOf(REVIEW)) + 1), { commentChar: '#' });
        const ts = read.length > 0 && read.every(isReview) && above.some(isOwnedTrailer);
        const dir = tempDir();
        writeFileSync(path.join(dir, 'MSG'), c.message);
        runSh(joinReview, dir);
        const after = readFileSync(path.join(dir, 'MSG'), 'utf8');
        assert.equal(ts, c.joined, 'TypeScript');
        assert.equal(after !== c.message, c.joined, 'shell');
        if (!c.joined) return;
        // Every line is kept, and git and Node now read ours and the sign-off as the trailers.
        assert.deepEqual(after.split('\n').sort(), c.message.split('\n').sort());
        const tokens = parseTrailers(after, { commentChar: '#' }).map((t) => t.token);
        assert.deepEqual(tokens, gitReads(after));
        assert.ok(tokens.includes('Assisted-by') && tokens.includes('AI-Reviewed-by'), tokens.join(', '));
      });
    }
  });

  describe('the sign-off of a block rule (ap_signed_off ~ isSignedOff)', () => {
    const rule = (reviewers: string[]): CriticalRule => ({ paths: ['src/auth/**'], reason: 'auth', level: 'block', reviewers, agents: 'allow' });
    const BOB = 'Bob Reviewer <bob@example.com>';
    const cases: { name: string; rules: CriticalRule[]; message: string; author: string; signed: boolean }[] = [
      { name: 'anyone but the author, a reviewer signed', rules: [rule([])], message: `Fix\n\nAI-Reviewed-by: ${BOB}\n`, author: 'ann@example.com', signed: true },
      { name: 'anyone but the author, the author signed', rules: [rule([])], message: 'Fix\n\nAI-Reviewed-by: Ann <ann@example.com>\n', author: 'ann@example.com', signed: false },
      { name: 'the author signed in other letter case', rules: [rule([])], message: 'Fix\n\nAI-Reviewed-by: Ann <ANN@Example.com>\n', author: 'ann@example.com', signed: false },
      { name: 'an allowed reviewer signed', rules: [rule([BOB])], message: `Fix\n\nAI-Reviewed-by: ${BOB}\n`, author: 'ann@example.com', signed: true },
      { name: 'an allowed reviewer signed in other letter case', rules: [rule([BOB])], message: 'Fix\n\nai-reviewed-by: BOB <Bob@Example.COM>\n', author: 'ann@example.com', signed: true },
      { name: 'an allowed reviewer signed with a bare email', rules: [rule([BOB])], message: 'Fix\n\nAI-Reviewed-by: bob@example.com\n', author: 'ann@example.com', signed: true },
      { name: 'someone not allowed signed', rules: [rule([BOB])], message: 'Fix\n\nAI-Reviewed-by: Carol <carol@example.com>\n', author: 'ann@example.com', signed: false },
      { name: 'no sign-off', rules: [rule([])], message: 'Fix\n\nAssisted-by: Claude Code\n', author: 'ann@example.com', signed: false },
      { name: 'a sign-off in the body, not in the trailers', rules: [rule([])], message: `Fix\n\nAI-Reviewed-by: ${BOB}\n\nMore text.\n`, author: 'ann@example.com', signed: false },
      { name: "the author's own and a reviewer's", rules: [rule([])], message: `Fix\n\nAI-Reviewed-by: Ann <ann@example.com>\nAI-Reviewed-by: ${BOB}\n`, author: 'ann@example.com', signed: true },
      { name: 'two rules, one reviewer allowed by only one', rules: [rule([BOB]), rule(['Dan <dan@example.com>'])], message: `Fix\n\nAI-Reviewed-by: ${BOB}\n`, author: 'ann@example.com', signed: false },
      { name: 'two rules, each signed', rules: [rule([BOB]), rule(['Dan <dan@example.com>'])], message: `Fix\n\nAI-Reviewed-by: ${BOB}\nAI-Reviewed-by: Dan <dan@example.com>\n`, author: 'ann@example.com', signed: true },
    ];
    for (const c of cases) {
      it(`${c.name}: ${c.signed ? 'signed' : 'not signed'}`, () => {
        const ts = c.rules.every((r) => isSignedOff(r, parseTrailers(c.message), c.author));
        const dir = tempDir();
        const scratch = path.join(dir, 'scratch');
        mkdirSync(scratch);
        // What prepare-commit-msg's Node writes for commit-msg's shell: one line of allowed reviewers per violated rule.
        const findings = c.rules.map((rule) => ({ rule }) as PolicyFinding);
        writeFileSync(path.join(scratch, 'reviewers'), `${blockedRuleReviewers(findings).join('\n')}\n`);
        writeFileSync(path.join(dir, 'MSG'), c.message);
        const env = { ...GIT_ENV, GIT_AUTHOR_NAME: 'Ann Author', GIT_AUTHOR_EMAIL: c.author };
        const fromShell = runSh(`ap_scratch='${scratch}'\n${shellFunction('commit-msg', 'ap_signed_off')}\n${shYesNo('ap_signed_off MSG')}`, dir, env);
        assert.equal(ts, c.signed, 'TypeScript');
        assert.equal(fromShell, c.signed ? 'yes' : 'no', 'shell');
      });
    }
  });

  describe('a commit that cannot be judged (ap_unjudged, ap_may_block ~ markUnjudged)', () => {
    const WHY = "node ('node') not found on PATH";
    const TEMPLATE = "\n# Please enter the commit message for your changes. Lines starting\n# with '#' will be ignored, and an empty message aborts the commit.\n#\n# On branch main\n";
    const messages: { name: string; message: string }[] = [
      { name: "git's template only", message: TEMPLATE },
      { name: 'a subject', message: 'Subject\n' },
      { name: 'a subject and a body', message: 'Subject\n\nBody text.\n' },
      { name: 'a person trailer', message: 'Subject\n\nSigned-off-by: Ann Author <ann@example.com>\n' },
      { name: "a subject over git's template", message: `Subject\n${TEMPLATE}` },
    ];
    const unjudged = (hint: string): string =>
      [`set -- ${shQuote(hint)}`, preludeDirs('prepare-commit-msg'), 'ap_msg=$1', `ap_why=${shQuote(WHY)}`, ...['ap_plain', 'ap_catch_up', 'ap_may_block', 'ap_unjudged'].map((f) => shellFunction('prepare-commit-msg', f)), 'ap_unjudged'].join('\n');
    const io = { warn: (): void => undefined, toolVersion: 'test', env: { AI_PROVENANCE_HOOK_PROTOCOL: '4' } };

    /** The message, the scratch marks and the catch-up line each side leaves, in a fresh repository of one commit. */
    async function outcome(side: 'shell' | 'node', message: string, config?: string, committed = config): Promise<string[]> {
      const dir = initRepo();
      writeFileSync(path.join(dir, 'a.txt'), 'a\n');
      if (committed !== undefined) writeFileSync(path.join(dir, '.ai-provenance.json'), committed);
      sh(dir, 'git', 'add', '.');
      sh(dir, 'git', 'commit', '-q', '-m', 'first');
      if (config !== undefined) writeFileSync(path.join(dir, '.ai-provenance.json'), config);
      const msg = path.join(dir, '.git', 'COMMIT_EDITMSG');
      writeFileSync(msg, message);
      if (side === 'shell') runSh(unjudged('.git/COMMIT_EDITMSG'), dir);
      else await markUnjudged(await discoverRepo(dir), msg, WHY, io);
      const read = (f: string): string => (existsSync(f) ? readFileSync(f, 'utf8') : '(none)');
      const scratch = path.join(dir, '.git', 'ai-provenance-commit');
      return [read(msg), read(path.join(scratch, 'failed')), read(path.join(scratch, 'may-block')), read(path.join(dir, '.git', CATCH_UP_FILE)).replace(/[0-9a-f]{40}/, 'HEAD')];
    }

    for (const m of messages) {
      it(`${m.name}: the same message, marks and catch-up line`, async () => {
        const [shellMessage, ...shellMarks] = await outcome('shell', m.message);
        const [nodeMessage, ...nodeMarks] = await outcome('node', m.message);
        assert.equal(shellMessage, nodeMessage);
        assert.deepEqual(parseTrailers(nodeMessage!, { commentChar: '#' }).at(-1), { token: 'AI-Unjudged', value: WHY });
        assert.deepEqual(shellMarks, nodeMarks);
        assert.deepEqual(nodeMarks, [`${WHY}\n`, '(none)', 'after HEAD\n']);
      });
    }

    const BLOCK = '{"critical":[{"paths":["src/**"],"reason":"r","level":"block"}]}';
    const WARN = '{"critical":[{"paths":["src/**"],"reason":"r","level":"warn"}]}';
    // Without Node the shell cannot read JSON: it looks for the word in the config and in HEAD's, which Node takes in
    // place of a config it cannot read. So it may say yes where Node says no (a refusal that Node would not make), never
    // the other way.
    const configs: { name: string; config: string; committed?: string; shell: boolean; node: boolean }[] = [
      { name: 'a block rule', config: BLOCK, shell: true, node: true },
      { name: 'warn rules only', config: WARN, shell: false, node: false },
      { name: 'a config Node cannot read, HEAD with a block rule', config: '{"critical":[', committed: BLOCK, shell: true, node: true },
      { name: 'a config Node cannot read, HEAD with warn rules only', config: '{"critical":[', committed: WARN, shell: false, node: false },
      { name: 'a config Node cannot read that names block', config: '{"critical":[{"level":"block",}]}', shell: true, node: false },
      { name: 'warn rules only where HEAD had a block rule', config: WARN, committed: BLOCK, shell: true, node: false },
    ];
    for (const c of configs) {
      it(`${c.name}: a block rule may apply — shell ${c.shell ? 'yes' : 'no'}, Node ${c.node ? 'yes' : 'no'}`, async () => {
        assert.equal((await outcome('shell', 'Subject\n', c.config, c.committed ?? c.config))[2], c.shell ? 'block\n' : '(none)');
        assert.equal((await outcome('node', 'Subject\n', c.config, c.committed ?? c.config))[2], c.node ? 'block\n' : '(none)');
      });
    }
  });

  describe("the working state's layout and lock (the prelude, ap_aside_dir, ap_lock ~ StateLayout, WorkingState)", () => {
    /** The files the hooks' shell finds from `cwd` (as prepare-commit-msg's prelude does when git gave no hint). */
    function shellLayout(cwd: string, hint?: string): string[] {
      // With a hint (the message file git names), the prelude reads the git dirs from the files git keeps, no git process.
      const script = [hint === undefined ? '' : `set -- ${shQuote(hint)}`, preludeDirs('prepare-commit-msg'), shellFunction('prepare-commit-msg', 'ap_aside_dir'), 'ap_aside_dir', `printf '%s\\n' "$ap_state" "$ap_state/pending" "$ap_state/generation" "$ap_state/lock" "$ap_a"`].join('\n');
      // `..` in a linked worktree's commondir stays in the shell's paths: the same files.
      return runSh(script, cwd).split('\n').map((f) => path.resolve(f));
    }
    async function nodeLayout(cwd: string): Promise<string[]> {
      const repo = await discoverRepo(cwd);
      const layout = new StateLayout(stateDir(repo), repo.worktreeId);
      return [layout.dir, layout.pending, layout.generation, layout.lock, layout.stashed];
    }
    it('the main worktree: the same files', async () => {
      const dir = initRepo();
      const ts = await nodeLayout(dir);
      assert.deepEqual(shellLayout(dir), ts);
      assert.deepEqual(shellLayout(dir, '.git/COMMIT_EDITMSG'), ts);
      assert.equal(ts[4], path.join(ts[0]!, 'stashed', 'main'));
    });

    it('a linked worktree, from a subfolder: the same files, its own folder of entries set aside', async () => {
      const dir = initRepo();
      writeFileSync(path.join(dir, 'a.txt'), 'a\n');
      sh(dir, 'git', 'add', '.');
      sh(dir, 'git', 'commit', '-q', '-m', 'first');
      const linked = path.join(tempDir(), 'wt two');
      sh(dir, 'git', 'worktree', 'add', '-q', '-b', 'two', linked);
      mkdirSync(path.join(linked, 'sub'));
      const ts = await nodeLayout(path.join(linked, 'sub'));
      assert.deepEqual(shellLayout(path.join(linked, 'sub')), ts);
      const gitDir = sh(linked, 'git', 'rev-parse', '--git-dir').trim();
      assert.deepEqual(shellLayout(linked, path.join(gitDir, 'COMMIT_EDITMSG')), ts);
      assert.equal(ts[0], path.join(realpathSync(dir), '.git', 'ai-provenance'));
      assert.equal(path.basename(ts[4]!), path.basename((await discoverRepo(linked)).gitDir));
      assert.notEqual(path.basename(ts[4]!), 'main');
    });

    it("the shell cannot take the lock while Node's writer holds it, and takes it once Node let go", async () => {
      const dir = initRepo();
      const repo = await discoverRepo(dir);
      const state = WorkingState.forRepo(repo);
      const lockScript = [preludeDirs('post-commit'), shellFunction('post-commit', 'ap_plain'), shellFunction('post-commit', 'ap_lock'), shYesNo('ap_lock')].join('\n');
      await state.write('a.ts', lines(3), fromLines([{ kind: 'ai', attribution: CLAUDE }, { kind: 'human' }, { kind: 'human' }, { kind: 'human' }]));
      const held = await state.withLock(async () => {
        const before = readFileSync(path.join(stateDir(repo), 'lock'), 'utf8');
        const r = runSh(lockScript, dir);
        assert.equal(readFileSync(path.join(stateDir(repo), 'lock'), 'utf8'), before, "Node's lock is left as it was");
        return r;
      });
      assert.equal(held, 'no');
      assert.equal(runSh(lockScript, dir), 'yes');
      assert.match(readFileSync(path.join(stateDir(repo), 'lock'), 'utf8'), /^\d+ - sh\n$/);
    });

    it("Node's writers wait for a lock the shell holds, and do not break it while it is fresh", async function () {
      const dir = initRepo();
      const repo = await discoverRepo(dir);
      const state = WorkingState.forRepo(repo);
      mkdirSync(stateDir(repo), { recursive: true });
      const lockScript = [preludeDirs('post-commit'), shellFunction('post-commit', 'ap_plain'), shellFunction('post-commit', 'ap_lock'), shYesNo('ap_lock')].join('\n');
      // The shell that took it has ended (as post-commit's has, when a writer finds its lock): its id names no host.
      assert.equal(runSh(lockScript, dir), 'yes');
      await assert.rejects(
        state.write('a.ts', lines(1), fromLines([{ kind: 'ai', attribution: CLAUDE }])),
        (err: unknown) => err instanceof StateLockTimeoutError,
      );
      assert.deepEqual(await state.paths(), []);
    });
  });

  describe("a notes tree with new notes added (ap_tree_with ~ notesSync's treeWith through an index)", () => {
    /** A repository whose notes ref holds `count` notes, written by git fast-import at the fan-out git picks. */
    function notesRepo(count: number): { dir: string; tree: string } {
      const dir = tempDir('aip-treewith-');
      sh(dir, 'git', 'init', '-q', '-b', 'main');
      const parts: string[] = [];
      for (let i = 1; i <= count; i++) parts.push(`commit refs/heads/main\nmark :${i}\ncommitter B <b@example.com> ${1_700_000_000 + i} +0000\ndata 2\nc\n\n`);
      parts.push(`commit refs/notes/x\ncommitter B <b@example.com> 1800000000 +0000\ndata 5\nnotes\n`);
      for (let i = 1; i <= count; i++) parts.push(`N inline :${i}\ndata ${String(i).length}\n${i}\n`);
      const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: dir, env: GIT_ENV, input: parts.join('') + '\n' });
      assert.equal(r.status, 0, r.stderr?.toString());
      return { dir, tree: sh(dir, 'git', 'rev-parse', 'refs/notes/x^{tree}').trim() };
    }

    /** What Node's treeWith makes of the same: the tree read into a temporary index, the notes added at 2/38. */
    function byIndex(dir: string, tree: string, added: readonly [string, string][]): string {
      const env = { ...GIT_ENV, GIT_INDEX_FILE: path.join(dir, '.git', 'twin-index') };
      const run = (args: string[], input?: string): string => {
        const r = spawnSync('git', args, { cwd: dir, env, input, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        return r.stdout.trim();
      };
      run(['read-tree', tree]);
      run(['update-index', '--add', '--index-info'], added.map(([c, b]) => `100644 blob ${b}\t${c.slice(0, 2)}/${c.slice(2)}\n`).join(''));
      return run(['write-tree']);
    }

    for (const [what, count] of [['a small tree, notes at the top', 12], ['a tree of 2/38 fan-out folders', 700]] as const) {
      it(`${what}: the same tree, every note readable`, () => {
        const { dir, tree } = notesRepo(count);
        const layout = sh(dir, 'git', 'ls-tree', tree).split('\n').filter(Boolean);
        assert.equal(layout.some((l) => l.startsWith('040000 tree ')), count > 256, `git's fan-out for ${count} notes`);
        const blob = (text: string): string => spawnSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, env: GIT_ENV, input: text, encoding: 'utf8' }).stdout.trim();
        // Two notes in one folder, one in another; in the large tree both folders exist already, and one more is new.
        const existing = layout.find((l) => l.startsWith('040000 tree '))?.split('\t')[1] ?? 'c7';
        const taken = new Set(layout.map((l) => l.split('\t')[1]!.slice(0, 2)));
        const fresh = [...Array(256).keys()].map((i) => i.toString(16).padStart(2, '0')).find((p) => !taken.has(p))!;
        const ids = [`${existing}${'1'.repeat(38)}`, `${existing}${'2'.repeat(38)}`, `${fresh}${'3'.repeat(38)}`].sort();
        const added = ids.map((c, i) => [c, blob(`{"note":${i}}`)] as [string, string]);
        const lines = added.map(([c, b]) => `${c.slice(0, 2)} ${c.slice(2)} ${b}`).join('\n');
        const script = `ap_nl='\n'\n${shellFunction('reference-transaction', 'ap_tree_with')}\nap_tree_with ${shQuote(tree)} ${shQuote(`${lines}\n`)} && echo "$ap_tree"`;
        const made = runSh(script, dir);
        assert.equal(made, byIndex(dir, tree, added));
        const listed = sh(dir, 'git', 'ls-tree', '-r', '--name-only', made).split('\n').filter(Boolean).map((p) => p.replace(/\//g, ''));
        assert.equal(listed.length, count + 3);
        for (const c of ids) assert.ok(listed.includes(c), `${c} is noted`);
      });
    }
  });
});
