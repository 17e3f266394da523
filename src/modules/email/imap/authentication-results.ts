/**
 * What a mailbox provider concluded about a mail's sender, read from its Authentication-Results
 * header (RFC 8601). Only a header naming the authserv-id the administrator trusts counts, and of
 * those only the topmost: the provider adds its own above everything that came with the mail, and
 * anything below it (a sender may write such a header too) is not its word (RFC 8601 §7.1).
 */

/** The part of mailauth's result shape that processing reads (`dmarc.status.result`). */
export interface ProviderAuthentication {
  dmarc: { status: { result: string } };
  spf?: { status: { result: string } };
  dkim?: { results: { status: { result: string } }[] };
}

/** Header block only: the body may quote headers of other mail. */
function headerFields(raw: Buffer): string[] {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = end === -1 ? text : text.slice(0, end);
  // Unfolded (RFC 5322 §2.2.3): a line starting with white space continues the one before.
  return block.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/);
}

/** Removes (nested) comments and turns quoted strings into plain tokens (RFC 5322 CFWS). */
function withoutComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
      else out += c;
    } else if (c === '\\' && depth > 0) i++;
    else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0) {
      if (c === '"') quoted = true;
      else out += c;
    }
  }
  return out;
}

/** The header's authserv-id, and each `method=result` in it (lower case). */
export function parseAuthenticationResults(value: string): {
  authservId: string | null;
  results: Map<string, string[]>;
} {
  const [head = '', ...rest] = withoutComments(value).split(';');
  const id = head.trim().split(/\s+/)[0] ?? '';
  // Some providers (Exchange Online) write no authserv-id at all: the first part is a result.
  const authservId = id && !id.includes('=') ? id.toLowerCase() : null;
  const parts = authservId === null ? [head, ...rest] : rest;
  const results = new Map<string, string[]>();
  for (const part of parts) {
    const match = /^\s*([a-z0-9_-]+)\s*=\s*([a-z0-9_-]+)/i.exec(part);
    if (!match) continue;
    const method = match[1]!.toLowerCase();
    results.set(method, [...(results.get(method) ?? []), match[2]!.toLowerCase()]);
  }
  return { authservId, results };
}

/**
 * The trusted provider's verdict when it says DMARC failed, in mailauth's shape; otherwise null
 * (no trusted authserv-id, no header from it, or DMARC not failed), and the mail is processed as
 * any other: quarantine is for what the provider itself disowned.
 */
export function trustedDmarcFailure(
  raw: Buffer,
  trustedAuthservId: string | null,
): ProviderAuthentication | null {
  const trusted = trustedAuthservId?.trim().toLowerCase();
  if (!trusted) return null;
  for (const field of headerFields(raw)) {
    const match = /^authentication-results\s*:(.*)$/is.exec(field);
    if (!match) continue;
    const { authservId, results } = parseAuthenticationResults(match[1]!);
    if (authservId !== trusted) continue;
    if (!results.get('dmarc')?.includes('fail')) return null;
    const first = (method: string) => results.get(method)?.[0];
    const spf = first('spf');
    const dkim = results.get('dkim');
    return {
      dmarc: { status: { result: 'fail' } },
      ...(spf ? { spf: { status: { result: spf } } } : {}),
      ...(dkim ? { dkim: { results: dkim.map((result) => ({ status: { result } })) } } : {}),
    };
  }
  return null;
}
