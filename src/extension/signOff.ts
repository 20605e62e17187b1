// The reviewer's sign-off trailer put into a commit message (PRODUCT.md §5 `AI-Reviewed-by`); free of 'vscode'.
import { formatIdentity } from '../core/identity';

/** Adds `AI-Reviewed-by: Name <email>` as the last trailer of a commit message, once. */
const TRAILER = /^[A-Za-z0-9][A-Za-z0-9-]*:\s*\S/;

export function addReviewedBy(message: string, name: string, email: string): string {
  return addTrailer(message, `AI-Reviewed-by: ${formatIdentity({ name, email })}`);
}

/** Adds one `Token: value` line as the last trailer of a commit message, once (an `AI-Signoff:` line, §13). */
export function addTrailer(message: string, trailer: string): string {
  const lines = message.replace(/\s+$/, '').split('\n');
  if (lines.some((l) => l.trim() === trailer)) return message;
  const body = lines.join('\n');
  if (body === '') return `\n\n${trailer}`;
  // Joins the last paragraph when it is already all trailers (and not the subject); otherwise starts one, as git's trailer rules want.
  let blank = lines.length - 1;
  while (blank >= 0 && lines[blank].trim() !== '') blank--;
  const inTrailers = blank > 0 && lines.slice(blank + 1).every((l) => TRAILER.test(l));
  return `${body}${inTrailers ? '\n' : '\n\n'}${trailer}`;
}
