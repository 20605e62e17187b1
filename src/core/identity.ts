// Git identities as written in trailers and the reviewers list: `Name <email>`, `<email>` or a bare email.

export interface Identity {
  readonly name?: string;
  readonly email: string;
}

// Same grammar as the reviewers pattern in schemas/ai-provenance.schema.json (a test keeps them in step).
const BRACKETED = /^(?:([^<>@\s](?:[^<>@]*[^<>@\s])?)\s*)?<([^<>@\s]+@[^<>@\s]+)>$/;
const BARE = /^[^<>@\s]+@[^<>@\s]+$/;

/** Parses an identity; undefined when the text has no usable email. Surrounding whitespace is not accepted. */
export function parseIdentity(text: string): Identity | undefined {
  if (BARE.test(text)) return { email: text };
  const m = BRACKETED.exec(text);
  if (!m) return undefined;
  return m[1] === undefined ? { email: m[2] } : { name: m[1], email: m[2] };
}

/** `Name <email>`, or the bare email when no name is known. */
export function formatIdentity(id: Identity): string {
  return id.name ? `${id.name} <${id.email}>` : id.email;
}

/** Emails compare case-insensitively: mail systems and git hosts treat them so in practice. */
export function sameEmail(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
