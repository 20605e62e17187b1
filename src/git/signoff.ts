// SSH sign-offs on the git side (PRODUCT.md §13): signing the staged critical files with `ssh-keygen -Y sign`, and
// verifying `AI-Signoff` lines with `ssh-keygen -Y verify` against the allowed signers committed at a base revision.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseSignoff, signoffValues, SIGNOFF_NAMESPACE, SIGNOFF_TRAILER, type SignoffVerdict } from '../core/signoff';
import { terminalText } from '../core/terminalText';
import { git } from './run';
import { parseLsTree } from './parsers';

/** The allowed signers file at `rev` (a commit), or undefined when it has none there. */
export async function allowedSignersAt(cwd: string, rev: string | undefined, file: string): Promise<string | undefined> {
  if (rev === undefined) return undefined;
  const r = await git(['cat-file', 'blob', `${rev}:${file}`], { cwd, okCodes: [128] });
  return r.exitCode === 0 ? r.stdout : undefined;
}

interface SshResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function sshKeygen(args: readonly string[], input: string): Promise<SshResult> {
  return new Promise((resolve, reject) => {
    const child = execFile('ssh-keygen', args, { encoding: 'utf8', timeout: 30_000, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (err && typeof (err as NodeJS.ErrnoException).code === 'string') {
        reject(new Error(`cannot run ssh-keygen (${(err as NodeJS.ErrnoException).code}): install OpenSSH 8.2 or later`));
        return;
      }
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    // ssh-keygen may exit before it reads its input (a signature it cannot parse): its exit status tells, not EPIPE.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}

export interface VerifyContext {
  readonly cwd: string;
  /** The blob id of `path` in what is being judged (a commit's tree, or the index), undefined when absent there. */
  blobOf(paths: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** The allowed signers text as of the base; undefined: there is none there. */
  readonly allowedSigners: string | undefined;
  /** Names the allowed signers in messages, e.g. `.github/ai-reviewers as of 1a2b3c4d5e6f`. */
  readonly allowedName: string;
}

/** Each `AI-Signoff` line of `message`, checked: its files hold the signed contents, and its signature verifies. */
export async function verifySignoffs(message: string, ctx: VerifyContext): Promise<SignoffVerdict[]> {
  const values = signoffValues(message);
  if (values.length === 0) return [];
  const verdicts: SignoffVerdict[] = [];
  let dir: string | undefined;
  try {
    for (const value of values) {
      const s = parseSignoff(value);
      if (typeof s === 'string') {
        verdicts.push({ ok: false, why: `an ${SIGNOFF_TRAILER} line is malformed: ${s}` });
        continue;
      }
      const who = terminalText(s.principal);
      const blobs = await ctx.blobOf(s.files.map((f) => f.path));
      const changed = s.files.filter((f) => blobs.get(f.path) !== f.blob).map((f) => terminalText(f.path));
      if (changed.length > 0) {
        verdicts.push({ ok: false, why: `the ${SIGNOFF_TRAILER} by ${who} signed other contents of ${changed.join(', ')} than this commit has` });
        continue;
      }
      if (ctx.allowedSigners === undefined) {
        verdicts.push({ ok: false, why: `the ${SIGNOFF_TRAILER} by ${who} cannot be verified: there is no ${ctx.allowedName}` });
        continue;
      }
      dir ??= mkdtempSync(path.join(tmpdir(), 'aip-signoff-'));
      const allowed = path.join(dir, 'allowed_signers');
      const sig = path.join(dir, 'signature');
      writeFileSync(allowed, ctx.allowedSigners);
      writeFileSync(sig, s.armored);
      const r = await sshKeygen(['-Y', 'verify', '-f', allowed, '-I', s.principal, '-n', SIGNOFF_NAMESPACE, '-s', sig], s.payload);
      if (r.code === 0) {
        verdicts.push({ ok: true, principal: s.principal, paths: new Set(s.files.map((f) => f.path)) });
      } else {
        const detail = (r.stderr || r.stdout).split('\n').find((l) => l.trim() !== '') ?? `ssh-keygen exited with ${r.code}`;
        verdicts.push({ ok: false, why: `the ${SIGNOFF_TRAILER} by ${who} does not verify against ${ctx.allowedName} (${terminalText(detail.trim())})` });
      }
    }
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  return verdicts;
}

/** Blob ids of `paths` in a commit's tree. */
export function blobsInCommit(cwd: string, commit: string): (paths: readonly string[]) => Promise<Map<string, string>> {
  return async (paths) => lsTree(cwd, ['ls-tree', '-z', '--full-tree', commit, '--', ...paths]);
}

/** Blob ids of `paths` in the index (what a commit being made will hold). */
export function blobsInIndex(cwd: string): (paths: readonly string[]) => Promise<Map<string, string>> {
  return async (paths) => {
    const out = new Map<string, string>();
    if (paths.length === 0) return out;
    const r = await git(['ls-files', '-s', '-z', '--full-name', '--', ...paths.map((p) => `:(top,literal)${p}`)], { cwd });
    for (const entry of r.stdout.split('\0')) {
      const m = /^\d+ ([0-9a-f]+) 0\t([\s\S]+)$/.exec(entry);
      if (m) out.set(m[2]!, m[1]!);
    }
    return out;
  };
}

async function lsTree(cwd: string, args: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  // ls-tree takes literal paths, not pathspecs.
  const r = await git(args, { cwd, okCodes: [128] });
  for (const e of parseLsTree(r.stdout)) if (e.type === 'blob' && e.path !== '') out.set(e.path, e.id);
  return out;
}

/** Signs `payload` with the key at `keyFile` (a private key, or a public key whose private half is in ssh-agent). */
export async function signPayload(payload: string, keyFile: string): Promise<string> {
  const r = await sshKeygen(['-Y', 'sign', '-f', keyFile, '-n', SIGNOFF_NAMESPACE], payload);
  if (r.code !== 0 || !r.stdout.includes('BEGIN SSH SIGNATURE')) {
    const detail = (r.stderr || r.stdout).split('\n').find((l) => l.trim() !== '') ?? `exit status ${r.code}`;
    throw new Error(`${keyFile}: ssh-keygen could not sign: ${detail.trim()}`);
  }
  return r.stdout;
}
