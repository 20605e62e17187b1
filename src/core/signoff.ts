// A sign-off that can be verified (PRODUCT.md §13): the reviewer's SSH signature (`ssh-keygen -Y sign -n
// ai-provenance`) over the `path blob-id` list of the critical files signed off, carried in one `AI-Signoff:` line:
//   AI-Signoff: <principal> <payload, base64> <signature, base64 of the SSHSIG blob>
// The payload names its files, so a sign-off counts exactly for those contents wherever they end up (a squash or a
// rebase that keeps them), and for nothing else.

export const SIGNOFF_TRAILER = 'AI-Signoff';
/** The `-n` namespace of every signature: a signature made for git commits or anything else never counts here. */
export const SIGNOFF_NAMESPACE = 'ai-provenance';
const HEADER = 'ai-provenance sign-off v1';

export interface SignedFile {
  readonly path: string;
  readonly blob: string;
}

export interface Signoff {
  /** The signer's identity as listed in the allowed signers file (an email). */
  readonly principal: string;
  readonly payload: string;
  readonly files: readonly SignedFile[];
  /** The signature in ssh-keygen's armored form, as `ssh-keygen -Y verify -s` reads it. */
  readonly armored: string;
}

/** A sign-off checked against the commit's contents and the allowed signers: for which files, by whom, or why not. */
export type SignoffVerdict = { readonly ok: true; readonly principal: string; readonly paths: ReadonlySet<string> } | { readonly ok: false; readonly why: string };

// A path is written as is unless it could be misread (spaces, a leading quote, control characters): then as a JSON string.
function pathText(p: string): string {
  return /[\s"\\\u0000-\u001f\u007f]/.test(p) ? JSON.stringify(p) : p;
}

/** The text that is signed: a header line, then one `path blob-id` line per file, sorted by path. */
export function signoffPayload(files: readonly SignedFile[]): string {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return `${HEADER}\n${sorted.map((f) => `${pathText(f.path)} ${f.blob}\n`).join('')}`;
}

function parsePayload(text: string): SignedFile[] | string {
  const lines = text.split('\n');
  if (lines[0] !== HEADER) return 'its signed list has an unknown format';
  if (lines[lines.length - 1] !== '') return 'its signed list is cut short';
  const files: SignedFile[] = [];
  for (const line of lines.slice(1, -1)) {
    const m = /^("(?:[^"\\]|\\.)*"|\S+) ([0-9a-f]{40}|[0-9a-f]{64})$/.exec(line);
    if (!m) return 'its signed list has a malformed line';
    let p = m[1]!;
    if (p.startsWith('"')) {
      try {
        p = JSON.parse(p) as string;
      } catch {
        return 'its signed list has a malformed path';
      }
    }
    files.push({ path: p, blob: m[2]! });
  }
  return files.length > 0 ? files : 'it signs no files';
}

/** The `AI-Signoff:` value for a signature ssh-keygen printed (armored). */
export function formatSignoff(principal: string, payload: string, armored: string): string {
  const body = armored
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('-----'))
    .join('');
  return `${principal} ${Buffer.from(payload, 'utf8').toString('base64')} ${body}`;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The sign-off in an `AI-Signoff:` value, or why it cannot be one (one clause). */
export function parseSignoff(value: string): Signoff | string {
  const parts = value.trim().split(/\s+/);
  if (parts.length !== 3) return 'expected "<email> <signed list> <signature>", as ai-provenance sign-off prints it';
  const [principal, payloadB64, sig] = parts as [string, string, string];
  if (!/^[^\s@]+@[^\s@]+$/.test(principal)) return `"${principal}" is not an email`;
  if (!BASE64.test(payloadB64) || !BASE64.test(sig)) return 'it is not base64 where it should be';
  const payload = Buffer.from(payloadB64, 'base64').toString('utf8');
  const files = parsePayload(payload);
  if (typeof files === 'string') return files;
  const lines = sig.match(/.{1,70}/g) ?? [];
  return { principal, payload, files, armored: `-----BEGIN SSH SIGNATURE-----\n${lines.join('\n')}\n-----END SSH SIGNATURE-----\n` };
}

/** `AI-Signoff:` values anywhere in a commit message: a squash puts the branch's messages into its body. */
export function signoffValues(message: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`^\\s*${SIGNOFF_TRAILER}\\s*:\\s*(.*)$`, 'gim');
  for (let m = re.exec(message); m; m = re.exec(message)) out.push(m[1]!.trim());
  return out;
}
