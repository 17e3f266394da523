/**
 * `[SB-10423]` in a mail's subject: put there on the way out, found again on the way in. The
 * subject key is the weakest of the threading signals (anyone can type it), so the caller trusts it
 * only for a sender already on the ticket; here it is only found and placed.
 */

/** A ticket key as `ticketKey` in the tickets module writes it: `SB-` and a positive number. */
const TICKET_KEY = /^SB-[1-9]\d{0,17}$/;
const BRACKETED_KEY = /\[sb-([1-9]\d{0,17})\]/i;
const BRACKETED_KEYS = new RegExp(BRACKETED_KEY.source, 'gi');

/**
 * Reply and forward prefixes mail clients put in front of a subject: English, Dutch (Antw, Doorst),
 * German (AW, WG), Scandinavian (SV, VS, VB), French (TR, Réf), Spanish (RV), Portuguese (RES, ENC),
 * Polish (Odp, PD) and Chinese (回复, 答复, 转发), with Outlook's counters (`Re[2]:`, `RE(3):`), French
 * spacing (`RE :`) and full-width colons. Single letters (Italian `R:`, `I:`) are left out on
 * purpose: `R: package install fails` is a subject about R.
 */
const REPLY_PREFIX =
  /^\s*(?:re|fwd?|antw|doorst|aw|wg|sv|vs|vb|tr|r[ée]f\.?|rv|res|enc|odp|pd|回复|答复|转发)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*/iu;
const LEADING_KEY = new RegExp(`^\\s*${BRACKETED_KEY.source}\\s*`, 'i');

/**
 * `subject` with `[key]` in front, after any reply prefixes (`Re: [SB-1] x`). Unchanged when `key`
 * is already the first key in it; when another key comes first (a mail forwarded from one ticket
 * into another), `key` moves in front of it, since the first key is the one read back.
 */
export function subjectWithKey(subject: string, key: string): string {
  if (!TICKET_KEY.test(key)) throw new Error(`Not a ticket key: ${key}`);
  if (keyInSubject(subject) === key) return subject;
  const withoutKey = subject.replace(new RegExp(`\\s*\\[${key}\\]`, 'gi'), '');
  const prefixes = leadingPrefixes(withoutKey);
  const rest = withoutKey.slice(prefixes.length).trim();
  return [prefixes.trim(), `[${key}]`, rest].filter(Boolean).join(' ');
}

/**
 * The first bracketed ticket key in a subject, canonical (`SB-123`). A bare `SB-123` is not taken:
 * people write ticket keys in prose, a bracketed one is what this desk puts there.
 */
export function keyInSubject(subject: string): string | null {
  const match = BRACKETED_KEY.exec(subject);
  return match ? `SB-${match[1]}` : null;
}

/**
 * The subject for a new ticket: without reply and forward prefixes (repeated ones too) and without
 * ticket keys, whitespace collapsed. An empty answer means the mail had no subject worth keeping.
 */
export function cleanSubject(subject: string): string {
  let rest = subject;
  for (;;) {
    const next = rest.replace(REPLY_PREFIX, '').replace(LEADING_KEY, '');
    if (next === rest) break;
    rest = next;
  }
  return rest.replace(BRACKETED_KEYS, ' ').replace(/\s+/g, ' ').trim();
}

/** The run of reply prefixes a subject starts with, as written (`Re: Fwd: `). */
function leadingPrefixes(subject: string): string {
  let length = 0;
  for (;;) {
    const match = REPLY_PREFIX.exec(subject.slice(length));
    if (!match) return subject.slice(0, length);
    length += match[0].length;
  }
}
