/**
 * The few header values the intake needs before the mail is parsed (its Message-ID, for the
 * duplicate check), read from the header block alone: a 25 MB mail is not parsed twice.
 */
const MAX_HEADER_BYTES = 256 * 1024;

/** The unfolded value of the first `name` header in `raw`, or null. */
export function rawHeader(raw: Buffer, name: string): string | null {
  const head = raw.subarray(0, Math.min(raw.length, MAX_HEADER_BYTES)).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const block = end >= 0 ? head.slice(0, end) : head;
  const wanted = `${name.toLowerCase()}:`;
  const lines = block.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.toLowerCase().startsWith(wanted)) continue;
    let value = lines[i]!.slice(wanted.length);
    // Folded continuation lines start with white space (RFC 5322 §2.2.3).
    while (i + 1 < lines.length && /^[ \t]/.test(lines[i + 1]!)) value += ` ${lines[++i]!.trim()}`;
    return value.trim();
  }
  return null;
}

/** The mail's own Message-ID (`<id@host>`), or null when it has none or a malformed one. */
export function rawMessageId(raw: Buffer): string | null {
  const value = rawHeader(raw, 'message-id');
  const id = value ? /<[^<>\s]{1,994}>/.exec(value)?.[0] : undefined;
  return id ?? null;
}
