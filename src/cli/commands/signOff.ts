// `ai-provenance sign-off`: a reviewer's SSH signature over the critical files of the staged change (PRODUCT.md §13).
import { homedir } from 'node:os';
import * as path from 'node:path';
import type { Command } from '../command';
import { parseCommandArgs, stringOpt, UsageError } from '../args';
import { formatSignoff, signoffPayload, SIGNOFF_TRAILER, type SignedFile } from '../../core/signoff';
import { terminalText } from '../../core/terminalText';
import { discoverRepo } from '../../git/repo';
import { git } from '../../git/run';
import { blobsInCommit, blobsInIndex, signPayload } from '../../git/signoff';
import { loadTeamConfig } from '../../git/teamConfig';

const HELP = `Usage: ai-provenance sign-off [--key FILE] [--commit REV]

Signs, with your SSH key, the list of "path blob-id" pairs of the critical files
('block' rules of .ai-provenance.json) in the staged change, and prints the line
that carries the signature:

  ${SIGNOFF_TRAILER}: <your email> <signed list> <signature>

Add that line to the commit message, e.g.
  git commit --trailer "$(ai-provenance sign-off)"
The commit-msg hook and 'ai-provenance check' verify it with ssh-keygen -Y verify
against the allowed signers file the config names ("signoff": {"method": "ssh",
"allowedSigners": PATH}), as committed at the base of the change. It counts only
for exactly these file contents: change a file and sign again.

Options:
  --key FILE     the SSH key to sign with (default: git config user.signingKey;
                 a public key works when its private key is in ssh-agent)
  --commit REV   sign the critical files REV changed, as REV has them, instead
                 of the staged ones (then amend REV's message with the line)
`;

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(homedir(), p.slice(1)) : p;
}

async function configValue(cwd: string, key: string): Promise<string | undefined> {
  const r = await git(['config', '--get', key], { cwd, okCodes: [1] });
  const v = r.stdout.trim();
  return r.exitCode === 0 && v !== '' ? v : undefined;
}

export const command: Command = {
  help: HELP,
  async run(args, io) {
    try {
      const p = parseCommandArgs('sign-off', args, { key: { type: 'string' }, commit: { type: 'string' } });
      if (p.positionals.length > 0) throw new UsageError(`ai-provenance sign-off: unexpected argument '${p.positionals[0]}'`);
      const repo = await discoverRepo(io.cwd);
      const cwd = repo.root;
      const report = (l: string): void => void io.stderr.write(`${terminalText(l)}\n`);
      const config = await loadTeamConfig(repo, report);
      if (!config.config.signoff) {
        throw new Error('.ai-provenance.json asks for no SSH sign-off ("signoff": {"method": "ssh", "allowedSigners": PATH}): sign off with an AI-Reviewed-by trailer instead');
      }
      const email = await configValue(cwd, 'user.email');
      if (!email) throw new Error('git config user.email is not set: it names you in the allowed signers file');
      const rawKey = stringOpt(p, 'key') ?? (await configValue(cwd, 'user.signingKey'));
      if (!rawKey) throw new Error('no key to sign with: pass --key FILE or set git config user.signingKey');
      if (rawKey.startsWith('key::') || rawKey.startsWith('ssh-')) throw new Error('user.signingKey holds a key literal: pass the key file with --key FILE');
      const key = path.resolve(io.cwd, expandHome(rawKey));

      const rev = stringOpt(p, 'commit');
      const diff = rev
        ? await git(['diff-tree', '-r', '-z', '--no-commit-id', '--name-only', '--no-renames', '--diff-filter=ACMRT', '--root', '--end-of-options', rev], { cwd })
        : await git(['diff', '--cached', '-z', '--name-only', '--no-renames', '--diff-filter=ACMRT'], { cwd });
      const paths = diff.stdout.split('\0').filter((f) => f !== '' && config.ruleFor(f)?.rule.level === 'block');
      if (paths.length === 0) throw new Error(`no critical files of a 'block' rule in ${rev ? terminalText(rev) : 'the staged change'}: nothing to sign off`);
      const blobs = await (rev ? blobsInCommit(cwd, rev) : blobsInIndex(cwd))(paths);
      const files: SignedFile[] = paths.filter((f) => blobs.has(f)).map((f) => ({ path: f, blob: blobs.get(f)! }));
      const payload = signoffPayload(files);
      const armored = await signPayload(payload, key);
      io.stdout.write(`${SIGNOFF_TRAILER}: ${formatSignoff(email, payload, armored)}\n`);
      report(`ai-provenance sign-off: signed ${files.length} file${files.length === 1 ? '' : 's'} as ${email}: ${files.map((f) => f.path).join(', ')}`);
      return 0;
    } catch (err) {
      io.stderr.write(`${err instanceof UsageError ? '' : 'ai-provenance sign-off: '}${terminalText((err as Error).message)}\n`);
      return err instanceof UsageError ? 2 : 1;
    }
  },
};
