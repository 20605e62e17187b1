// Verifiable sign-off (PRODUCT.md §13) with real keys made by ssh-keygen, real git hooks installed by the real CLI,
// real commits, and `ai-provenance check` over real ranges.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { signoffPayload } from '../../../src/core/signoff';
import { buildCli, cleanup, CLI, git, makeRepo, writeFile } from '../agents/helpers';

const SIGNERS = '.github/ai-reviewers';

function keyPair(dir: string, name: string): { key: string; pub: string } {
  const key = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', key]);
  return { key, pub: readFileSync(`${key}.pub`, 'utf8').trim() };
}

function config(reviewers: string[]): string {
  return `${JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'Production infrastructure', level: 'block', reviewers }], signoff: { method: 'ssh', allowedSigners: SIGNERS } }, null, 2)}\n`;
}

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(repo: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function commit(repo: string, message: string): Run {
  const r = spawnSync('git', ['commit', '-q', '-F', '-'], { cwd: repo, input: message, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The reviewer signs in the same clone, as themselves. */
function signOff(repo: string, email: string, key: string, extra: string[] = []): string {
  const r = cli(repo, ['sign-off', '--key', key, ...extra], { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'user.email', GIT_CONFIG_VALUE_0: email });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^AI-Signoff: \S+ \S+ \S+\n$/);
  return r.stdout.trim();
}

describe('verifiable SSH sign-off', function () {
  let repo: string;
  let keys: string;
  let jane: { key: string; pub: string };
  let mallory: { key: string; pub: string };

  before(() => {
    buildCli();
    keys = mkdtempSync(path.join(tmpdir(), 'aip-keys-'));
    jane = keyPair(keys, 'jane');
    mallory = keyPair(keys, 'mallory');
  });
  after(() => cleanup(keys));

  function setUp(reviewers: string[]): void {
    repo = makeRepo({
      'infra/main.tf': 'resource "a" "b" {}\n',
      'README.md': '# demo\n',
      '.ai-provenance.json': config(reviewers),
      [SIGNERS]: `jane@example.com ${jane.pub}\n`,
    });
    const r = cli(repo, ['install']);
    assert.equal(r.status, 0, r.stderr);
  }
  afterEach(() => cleanup(repo));

  /** An agent's edit of infra/main.tf, recorded as AI and staged. */
  function aiEdit(text: string): void {
    writeFile(repo, 'infra/main.tf', text);
    const r = cli(repo, ['record', '--agent', 'claude-code', 'infra/main.tf:2-2']);
    assert.equal(r.status, 0, r.stderr);
    git(repo, 'add', 'infra/main.tf');
  }

  const V1 = 'resource "a" "b" {}\nresource "c" "d" {}\n';
  const V2 = 'resource "a" "b" {}\nresource "c" "e" {}\n';

  function check(range: string): Run {
    return cli(repo, ['check', range]);
  }

  it('accepts a valid signature from an allowed signer, and check passes', () => {
    setUp(['jane@example.com']);
    aiEdit(V1);
    const refused = commit(repo, 'Add d\n');
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /no AI-Signoff line .*run "ai-provenance sign-off"/);

    const line = signOff(repo, 'jane@example.com', jane.key);
    const ok = commit(repo, `Add d\n\n${line}\n`);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(git(repo, 'log', '-1', '--format=%B'), /^Assisted-by: claude-code$/m);
    const c = check('HEAD~1..HEAD');
    assert.equal(c.status, 0, c.stdout + c.stderr);
    // A plain AI-Reviewed-by claim does not count once the config asks for signatures.
    writeFile(repo, 'infra/main.tf', V2);
    cli(repo, ['record', '--agent', 'claude-code', 'infra/main.tf:2-2']);
    git(repo, 'add', 'infra/main.tf');
    assert.notEqual(commit(repo, 'Change d\n\nAI-Reviewed-by: Jane <jane@example.com>\n').status, 0);
  });

  it('signs an existing commit with --commit, for amending its message', () => {
    setUp(['jane@example.com']);
    aiEdit(V1);
    assert.equal(spawnSync('git', ['commit', '-q', '--no-verify', '-m', 'Add d'], { cwd: repo }).status, 0);
    assert.equal(check('HEAD~1..HEAD').status, 1, 'unsigned');
    const line = signOff(repo, 'jane@example.com', jane.key, ['--commit', 'HEAD']);
    const amend = spawnSync('git', ['commit', '-q', '--amend', '-F', '-'], { cwd: repo, input: `Add d\n\n${line}\n`, encoding: 'utf8' });
    assert.equal(amend.status, 0, amend.stderr);
    assert.equal(check('HEAD~1..HEAD').status, 0);
  });

  it('refuses the same signature once the file changed after the sign-off', () => {
    setUp(['jane@example.com']);
    aiEdit(V1);
    const line = signOff(repo, 'jane@example.com', jane.key);
    aiEdit(V2);
    const r = commit(repo, `Add d\n\n${line}\n`);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /the AI-Signoff by jane@example\.com signed other contents of infra\/main\.tf than this commit has/);
  });

  it('refuses a signer who is not in the allowed signers file', () => {
    setUp([]);
    aiEdit(V1);
    const line = signOff(repo, 'mallory@example.com', mallory.key);
    const r = commit(repo, `Add d\n\n${line}\n`);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /the AI-Signoff by mallory@example\.com does not verify against \.github\/ai-reviewers as of [0-9a-f]{12}/);
  });

  it('refuses a signer added to the allowed signers inside the range under check', () => {
    setUp([]);
    const base = git(repo, 'rev-parse', 'HEAD').trim();
    writeFile(repo, SIGNERS, `jane@example.com ${jane.pub}\nmallory@example.com ${mallory.pub}\n`);
    git(repo, 'add', SIGNERS);
    assert.equal(commit(repo, 'Add a reviewer\n').status, 0);
    aiEdit(V1);
    const line = signOff(repo, 'mallory@example.com', mallory.key);
    // The commit's parent lists mallory, so the hook lets it through; the range that added mallory does not.
    assert.equal(commit(repo, `Add d\n\n${line}\n`).status, 0);
    assert.equal(check('HEAD~1..HEAD').status, 0);
    const r = check(`${base}..HEAD`);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /mallory@example\.com does not verify against \.github\/ai-reviewers as of [0-9a-f]{12}/);
  });

  it('stays valid for the same contents squashed onto another branch', () => {
    setUp(['jane@example.com']);
    git(repo, 'checkout', '-q', '-b', 'feature');
    aiEdit(V1);
    const line = signOff(repo, 'jane@example.com', jane.key);
    assert.equal(commit(repo, `Add d\n\n${line}\n`).status, 0);
    git(repo, 'checkout', '-q', 'main');
    writeFile(repo, 'README.md', '# demo\n\nMore.\n');
    git(repo, 'add', 'README.md');
    assert.equal(commit(repo, 'Docs\n').status, 0);
    assert.equal(spawnSync('git', ['merge', '-q', '--squash', 'feature'], { cwd: repo, encoding: 'utf8' }).status, 0);
    // git's squash message quotes the branch's messages, indented in the body, where they are no longer trailers.
    const squash = spawnSync('git', ['commit', '-q'], { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_EDITOR: 'true' } });
    assert.equal(squash.status, 0, squash.stderr);
    assert.match(git(repo, 'log', '-1', '--format=%B'), /^ {4}AI-Signoff: jane@example\.com /m);
    const json = JSON.parse(cli(repo, ['check', 'HEAD~1..HEAD', '--format', 'json']).stdout);
    const files = json.commits[0].files.map((f: { path: string }) => f.path);
    assert.deepEqual(files, ['infra/main.tf'], 'the squash commit carries the AI lines, so the sign-off is what lets it pass');
    assert.equal(check('HEAD~1..HEAD').status, 0);
    // The same squash without the sign-off is a violation: the signature above is what counted.
    git(repo, 'commit', '-q', '--amend', '--no-verify', '-m', 'Add d (#1)');
    assert.equal(check('HEAD~1..HEAD').status, 1);
  });

  it('refuses a tampered signature with one clear line', () => {
    setUp(['jane@example.com']);
    aiEdit(V1);
    const line = signOff(repo, 'jane@example.com', jane.key);
    const sig = line.split(' ')[3]!;
    const at = Math.floor(sig.length / 2);
    const tampered = line.replace(sig, sig.slice(0, at) + (sig[at] === 'A' ? 'B' : 'A') + sig.slice(at + 1));
    const r = commit(repo, `Add d\n\n${tampered}\n`);
    assert.notEqual(r.status, 0);
    const lines = r.stderr.split('\n').filter((l) => /AI-Signoff by jane@example\.com/.test(l));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /does not verify against \.github\/ai-reviewers as of [0-9a-f]{12} \(.+\)/);
    // Committed past the hook, CI's check refuses it the same way, in one line.
    assert.equal(spawnSync('git', ['commit', '-q', '--no-verify', '-F', '-'], { cwd: repo, input: `Add d\n\n${tampered}\n` }).status, 0);
    const c = check('HEAD~1..HEAD');
    assert.equal(c.status, 1);
    const said = (c.stdout + c.stderr).split('\n').filter((l) => /AI-Signoff by jane@example\.com/.test(l));
    assert.equal(said.length, 1, c.stdout + c.stderr);
    assert.match(said[0]!, /does not verify against \.github\/ai-reviewers as of [0-9a-f]{12}/);
  });

  it('refuses a signature ssh-keygen cannot even parse, over a list larger than the pipe to it holds, in one line', () => {
    setUp(['jane@example.com']);
    // ssh-keygen gives up before it reads the signed list from stdin: the hook must not die writing it.
    for (let i = 0; i < 2000; i++) writeFile(repo, `infra/modules/${'module-'.repeat(24)}${i}.tf`, `# module ${i}\n`);
    git(repo, 'add', 'infra');
    aiEdit(V1);
    const staged = git(repo, 'ls-files', '-s', 'infra').trim().split('\n').map((l) => {
      const m = /^\d+ ([0-9a-f]+) 0\t(.+)$/.exec(l)!;
      return { path: m[2]!, blob: m[1]! };
    });
    const payload = signoffPayload(staged);
    assert.ok(payload.length > 400 * 1024, `payload of ${payload.length} bytes`);
    const line = `AI-Signoff: jane@example.com ${Buffer.from(payload).toString('base64')} U1NIU0lI${'A'.repeat(72)}`; // "SSHSIH": not even the magic of a signature
    const r = commit(repo, `Add modules\n\n${line}\n`);
    assert.notEqual(r.status, 0);
    assert.doesNotMatch(r.stderr, /EPIPE|Unhandled/);
    const lines = r.stderr.split('\n').filter((l) => /AI-Signoff by jane@example\.com/.test(l));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /does not verify against/);
  });

  it('says in one line why it cannot sign, and prints nothing on stdout', () => {
    setUp(['jane@example.com']);
    const asJane = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'user.email', GIT_CONFIG_VALUE_0: 'jane@example.com' };
    const nothing = cli(repo, ['sign-off', '--key', jane.key], asJane);
    assert.deepEqual([nothing.status, nothing.stdout], [1, '']);
    assert.equal(nothing.stderr, "ai-provenance sign-off: no critical files of a 'block' rule in the staged change: nothing to sign off\n");
    aiEdit(V1);
    const noKey = cli(repo, ['sign-off'], asJane);
    assert.equal(noKey.stderr, 'ai-provenance sign-off: no key to sign with: pass --key FILE or set git config user.signingKey\n');
    const badKey = cli(repo, ['sign-off', '--key', path.join(keys, 'missing')], asJane);
    assert.equal(badKey.status, 1);
    assert.match(badKey.stderr, /^ai-provenance sign-off: .*missing: ssh-keygen could not sign: .+\n$/);
    writeFile(repo, '.ai-provenance.json', JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'Prod', level: 'block' }] }));
    const plain = cli(repo, ['sign-off', '--key', jane.key], asJane);
    assert.match(plain.stderr, /asks for no SSH sign-off .* sign off with an AI-Reviewed-by trailer instead\n$/);
  });
});

