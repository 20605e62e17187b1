// The sign-off flows a refused commit leads to, through the real git hooks.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseTrailers } from '../../../src/core/trailers';
import { discoverRepo } from '../../../src/git/repo';
import { WorkingState } from '../../../src/git/workingState';
import { aiLines, cleanupTemp, initRepo, lines, tempDir, write } from './helpers';
import { cliBundle, installHooks, hookedEnv } from './hookEnv';
import { fromLines } from '../../../src/core/lineRuns';

const REVIEW = 'AI-Reviewed-by: Jane Doe <jane@example.com>';
const CONFIG = JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'Production infrastructure', level: 'block', reviewers: ['jane@example.com'] }] });

const env = hookedEnv;

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: env(), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

function gitResult(dir: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): { status: number | null; stderr: string } {
  const r = spawnSync('git', args, { cwd: dir, env: { ...env(), ...extraEnv }, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

/** The tokens `git interpret-trailers --parse` reads from a message, in order. */
function gitTrailerTokens(dir: string, message: string): string[] {
  const out = execFileSync('git', ['interpret-trailers', '--parse'], { cwd: dir, env: env(), input: message, encoding: 'utf8' });
  return out.split('\n').filter((l) => l !== '').map((l) => l.slice(0, l.indexOf(':')));
}

/**
 * An editor for GIT_EDITOR that appends `text` at the very end of the buffer, below git's comments, as a user who
 * scrolls down and types does; `buffer` is a copy of what it left.
 */
function appendingEditor(text: string): { env: NodeJS.ProcessEnv; buffer: string } {
  const dir = tempDir('aip-editor-');
  const script = path.join(dir, 'editor');
  const buffer = path.join(dir, 'buffer');
  writeFileSync(path.join(dir, 'text'), text);
  writeFileSync(script, `#!/bin/sh\ncat '${path.join(dir, 'text')}' >> "$1"\ncp "$1" '${buffer}'\n`);
  chmodSync(script, 0o755);
  return { env: { GIT_EDITOR: script }, buffer };
}

/** What git's default cleanup (strip) makes of a buffer. */
function stripped(dir: string, buffer: string): string {
  return execFileSync('git', ['stripspace', '--strip-comments'], { cwd: dir, env: env(), input: buffer, encoding: 'utf8' });
}

function count(message: string, token: string): number {
  return message.split('\n').filter((l) => l.startsWith(`${token}:`)).length;
}

/** A repository with hooks, `config` (a block rule on infra/** by default), and two staged AI lines in infra/main.tf. */
async function refusedRepo(config = CONFIG): Promise<string> {
  const dir = initRepo();
  installHooks(path.join(dir, '.git', 'hooks'));
  write(dir, '.ai-provenance.json', config);
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'config');
  const text = lines(3);
  write(dir, 'infra/main.tf', text);
  await WorkingState.forRepo(await discoverRepo(dir)).write('infra/main.tf', text, fromLines(aiLines(3, [[1, 2]])));
  git(dir, 'add', '.');
  return dir;
}

function assertOneSetAndTheReview(dir: string, order = ['AI-Reviewed-by', 'Assisted-by', 'AI-Lines', 'AI-Critical']): void {
  const msg = git(dir, 'log', '-1', '--format=%B');
  for (const token of ['Assisted-by', 'AI-Lines', 'AI-Critical', 'AI-Reviewed-by']) assert.equal(count(msg, token), 1, `${token} once in:\n${msg}`);
  const read = parseTrailers(msg).map((t) => t.token);
  assert.deepEqual(read, order, `git reads all of them as one trailer block:\n${msg}`);
}

describe('signing off a refused commit', function () {
  before(() => cliBundle());
  after(cleanupTemp);

  it('commits once, with one set of trailers, when the sign-off is added as a new last paragraph of COMMIT_EDITMSG', async () => {
    const dir = await refusedRepo();
    const refused = gitResult(dir, ['commit', '-m', 'Change infra']);
    assert.notEqual(refused.status, 0, 'the unreviewed commit is refused');
    const saved = path.join(dir, '.git', 'COMMIT_EDITMSG');
    const kept = readFileSync(saved, 'utf8');
    assert.match(kept, /^AI-Critical: infra\/main\.tf$/m, 'the kept message carries our trailers');
    writeFileSync(saved, `${kept.replace(/\n*$/, '\n')}\n${REVIEW}\n`);
    const r = gitResult(dir, ['commit', '-F', '.git/COMMIT_EDITMSG']);
    assert.equal(r.status, 0, r.stderr);
    assertOneSetAndTheReview(dir);
  });

  it('keeps one set of trailers when the sign-off is appended with git commit --amend -m "$(git log -1 --format=%B)…"', async () => {
    const dir = await refusedRepo();
    assert.equal(gitResult(dir, ['commit', '--no-verify', '-m', 'Change infra']).status, 0);
    // $(…) in a shell drops the final newlines, as this does.
    const previous = git(dir, 'log', '-1', '--format=%B').replace(/\n+$/, '');
    const r = gitResult(dir, ['commit', '--amend', '-m', `${previous}\n\n${REVIEW}`]);
    assert.equal(r.status, 0, r.stderr);
    assertOneSetAndTheReview(dir);
  });

  it('accepts a sign-off typed at the end of the editor buffer, below git\'s comments, as one trailer block', async () => {
    const dir = await refusedRepo();
    const refused = gitResult(dir, ['commit', '-m', 'Change infra']);
    assert.notEqual(refused.status, 0, 'the unreviewed commit is refused');
    assert.match(refused.stderr, /^ {2}Your message is kept in \.git\/COMMIT_EDITMSG\. Once reviewed, commit again with: git commit -e -F \.git\/COMMIT_EDITMSG$/m);
    assert.match(refused.stderr, /^ {2}and in the editor add this line \(the reviewer's name in place of Reviewer Name\) directly under the AI-Lines:\/AI-Critical: trailers, with no blank line between:\n {4}AI-Reviewed-by: Reviewer Name <jane@example\.com>$/m);
    const editor = appendingEditor(`${REVIEW}\n`);
    const r = gitResult(dir, ['commit', '-e', '-F', '.git/COMMIT_EDITMSG'], editor.env);
    assert.equal(r.status, 0, r.stderr);
    const msg = git(dir, 'log', '-1', '--format=%B');
    assert.deepEqual(gitTrailerTokens(dir, msg), ['Assisted-by', 'AI-Lines', 'AI-Critical', 'AI-Reviewed-by'], msg);
    assertOneSetAndTheReview(dir, ['Assisted-by', 'AI-Lines', 'AI-Critical', 'AI-Reviewed-by']);
    // The hook moved the sign-off up and kept git's comments, now below it.
    const buffer = readFileSync(editor.buffer, 'utf8');
    const comments = buffer.split('\n').filter((l) => l.startsWith('#'));
    assert.ok(comments.length > 2, buffer);
    const left = readFileSync(path.join(dir, '.git', 'COMMIT_EDITMSG'), 'utf8');
    assert.equal(left, buffer.replace(`\n${REVIEW}\n`, '\n').replace(/^(AI-Critical: .*\n)/m, `$1${REVIEW}\n`));
  });

  it('names the reviewer as the config does, and a placeholder when anyone may sign off', async () => {
    const named = await refusedRepo(JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'Prod', level: 'block', reviewers: ['Ann Author <ann@example.com>', 'Jane Doe <jane@example.com>'] }] }));
    const r = gitResult(named, ['commit', '-m', 'Change infra']);
    assert.match(r.stderr, /^ {2}and in the editor add this line directly under the AI-Lines:\/AI-Critical: trailers, with no blank line between:\n {4}AI-Reviewed-by: Jane Doe <jane@example\.com>$/m, 'the author is skipped');
    const anyone = await refusedRepo(JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'Prod', level: 'block' }] }));
    const a = gitResult(anyone, ['commit', '-m', 'Change infra']);
    assert.match(a.stderr, /^ {2}and in the editor add this line \(the reviewer's name and email in place of the example\) directly under .*\n {4}AI-Reviewed-by: Reviewer Name <reviewer@example\.com>$/m);
    const self = await refusedRepo(JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'Prod', level: 'block', reviewers: ['ann@example.com'] }] }));
    const s = gitResult(self, ['commit', '-m', 'Change infra']);
    assert.notEqual(s.status, 0);
    assert.doesNotMatch(s.stderr, /in the editor add/, 'no sign-off line the author could use');
  });

  it('joins the sign-off under core.commentChar ;', async () => {
    const dir = await refusedRepo();
    git(dir, 'config', 'core.commentChar', ';');
    assert.notEqual(gitResult(dir, ['commit', '-m', 'Change infra']).status, 0);
    const editor = appendingEditor(`${REVIEW}\n`);
    const r = gitResult(dir, ['commit', '-e', '-F', '.git/COMMIT_EDITMSG'], editor.env);
    assert.equal(r.status, 0, r.stderr);
    assert.match(readFileSync(editor.buffer, 'utf8'), /^; Please enter/m);
    const msg = git(dir, 'log', '-1', '--format=%B');
    assert.deepEqual(gitTrailerTokens(dir, msg), ['Assisted-by', 'AI-Lines', 'AI-Critical', 'AI-Reviewed-by'], msg);
  });

  it('leaves a normal paragraph typed below the comments byte for byte (and the commit still needs a sign-off)', async () => {
    const dir = await refusedRepo();
    assert.notEqual(gitResult(dir, ['commit', '-m', 'Change infra']).status, 0);
    const editor = appendingEditor('Rolled out zone by zone.\n');
    assert.notEqual(gitResult(dir, ['commit', '-e', '-F', '.git/COMMIT_EDITMSG'], editor.env).status, 0);
    const buffer = readFileSync(editor.buffer, 'utf8');
    assert.match(buffer, /^# Please enter/m);
    assert.equal(readFileSync(path.join(dir, '.git', 'COMMIT_EDITMSG'), 'utf8'), buffer);
  });

  it('leaves a reviewed message with a later paragraph of prose as git would commit it', async () => {
    const dir = await refusedRepo(JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'Prod', level: 'warn' }] }));
    const editor = appendingEditor(`Rolled out zone by zone.\n${REVIEW}\n`);
    const r = gitResult(dir, ['commit', '-e', '-m', 'Change infra'], editor.env);
    assert.equal(r.status, 0, r.stderr);
    const buffer = readFileSync(editor.buffer, 'utf8');
    assert.equal(readFileSync(path.join(dir, '.git', 'COMMIT_EDITMSG'), 'utf8'), buffer, 'the hook left the message file as it was');
    assert.equal(git(dir, 'log', '-1', '--format=%B'), `${stripped(dir, buffer)}\n`);
  });
});

describe('commit-msg: a sign-off below the comments joins the trailer block', function () {
  after(cleanupTemp);

  const T = 'Assisted-by: claude-code\nAI-Lines: 2/3\nAI-Critical: infra/main.tf\n';
  const R = 'AI-Reviewed-by: Jane Doe <jane@example.com>\n';
  const C = '# Please enter the commit message for your changes. Lines starting\n# with \'#\' will be ignored.\n#\n';
  const CUT = '# ------------------------ >8 ------------------------\n# Do not modify or remove the line above.\ndiff --git a/x b/x\n+x\n';
  // [what, message, the message after the hook (undefined: untouched)]
  const cases: [string, string, string | undefined][] = [
    ['after git\'s comments', `Subject\n\n${T}\n${C}${R}`, `Subject\n\n${T}${R}\n${C}`],
    ['two sign-offs and comments after them', `Subject\n\n${T}\n${C}${R}ai-reviewed-by: Bob <bob@example.com>\n# after\n`, `Subject\n\n${T}${R}ai-reviewed-by: Bob <bob@example.com>\n\n${C}# after\n`],
    ['after blank lines only', `Subject\n\n${T}\n\n${R}`, `Subject\n\n${T}${R}\n\n`],
    ['above the scissors line', `Subject\n\n${T}\n${C}${R}${CUT}${R}`, `Subject\n\n${T}${R}\n${C}${CUT}${R}`],
    ['with folded trailers and a generated co-author', `Subject\n\nBody.\n\nAssisted-by: a\n  folded\nCo-authored-by: Claude <claude-code@ai-provenance.invalid>\n\n${R}`, `Subject\n\nBody.\n\nAssisted-by: a\n  folded\nCo-authored-by: Claude <claude-code@ai-provenance.invalid>\n${R}\n`],
    ['with CRLF line ends', 'Subject\r\n\r\nAI-Lines: 1/1\r\n\r\nAI-Reviewed-by: J <j@example.com>\r\n', 'Subject\r\n\r\nAI-Lines: 1/1\r\nAI-Reviewed-by: J <j@example.com>\r\n\r\n'],
    ['only below the scissors line', `Subject\n\n${T}\n${C}${CUT}${R}`, undefined],
    ['in a paragraph with other text', `Subject\n\n${T}\n${C}Thanks!\n${R}`, undefined],
    ['after prose', `Subject\n\nSome prose.\n\n${C}${R}`, undefined],
    ['after a trailer block without ours', `Subject\n\nSigned-off-by: Ann <ann@example.com>\nCo-authored-by: Bob <bob@example.com>\n\n${C}${R}`, undefined],
    ['after a paragraph that is not all trailers', `Subject\n\nSee below.\n${T}\n${C}${R}`, undefined],
    ['after our trailers as the subject', `${T}\n${C}${R}`, undefined],
    ['already in the block', `Subject\n\n${T}${R}\n${C}`, undefined],
    ['indented', `Subject\n\n${T}\n${C}  ${R}`, undefined],
    ['in no message', '', undefined],
  ];

  let dir: string;
  let scratch: string;
  before(() => {
    cliBundle();
    dir = initRepo();
    installHooks(path.join(dir, '.git', 'hooks'));
    // What prepare-commit-msg leaves when its Node run finished and a block rule anyone but the author may sign off
    // needs a sign-off (only then is a sign-off looked for).
    scratch = path.join(dir, '.git', 'ai-provenance-commit');
    mkdirSync(scratch, { recursive: true });
  });

  function runHook(message: string, commentChar = '#', done = true): { status: number | null; message: string } {
    writeFileSync(path.join(scratch, 'done'), done ? 'ok\n' : '');
    writeFileSync(path.join(scratch, 'commentchar'), `${commentChar}\n`);
    writeFileSync(path.join(scratch, 'reviewers'), '*\n');
    const file = path.join(dir, '.git', 'COMMIT_EDITMSG');
    writeFileSync(file, message);
    // /bin/sh as git runs it (dash here).
    const r = spawnSync('/bin/sh', [path.join('.git', 'hooks', 'commit-msg'), '.git/COMMIT_EDITMSG'], { cwd: dir, env: env(), encoding: 'utf8' });
    return { status: r.status, message: readFileSync(file, 'utf8') };
  }

  for (const [what, message, expected] of cases) {
    it(`${expected === undefined ? 'leaves' : 'joins'} a sign-off ${what}`, () => {
      const r = runHook(message);
      assert.equal(r.status, 0);
      assert.equal(r.message, expected ?? message);
      // git reads the sign-off and the trailers above it as one block.
      if (expected !== undefined) {
        const tokens = gitTrailerTokens(dir, r.message);
        assert.ok(tokens.length >= 2 && tokens.includes('AI-Reviewed-by'), `${tokens.join(', ')} in:\n${r.message}`);
      }
    });
  }

  it('honours core.commentChar', () => {
    const semi = C.replace(/^#/gm, ';');
    assert.equal(runHook(`Subject\n\n${T}\n${semi}${R}`, ';').message, `Subject\n\n${T}${R}\n${semi}`);
    assert.equal(runHook(`Subject\n\n${T}\n${C}${R}`, ';').message, `Subject\n\n${T}\n${C}${R}`, '# lines are text under ;');
  });

  it('leaves the message alone when prepare-commit-msg did not run Node for this commit', () => {
    const message = `Subject\n\n${T}\n${C}${R}`;
    assert.equal(runHook(message, '#', false).message, message);
  });
});
