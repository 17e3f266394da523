import { randomUUID } from 'node:crypto';
import { domainToASCII } from 'node:url';

/**
 * Message-IDs as they travel in `Message-ID`, `In-Reply-To` and `References`: always with their
 * angle brackets (`<id@domain>`), which is how mailparser hands them over and nodemailer takes
 * them, and compared exactly, as RFC 5322 §3.6.4 treats them (no case folding, not even of the
 * domain part).
 */

/** RFC 5322 §2.1.1: a line, and so an id that cannot be folded, is at most 998 characters. */
const LONGEST_ID = 998;
/** Threads run to a few dozen messages; more ids than this in one header is junk or an attack. */
const MOST_IDS = 100;
/**
 * A reply's References keeps the thread's first id and its 20 latest, 21 in all, as the USEFOR
 * drafts (draft-ietf-usefor-article) advise; RFC 5537 §3.4.4, which followed them, only insists
 * on the first and the last three. RFC 5322 itself never trims.
 */
const LATEST_REFERENCES = 20;

const BRACKETED_ID = /<[^<>\s]+>/g;
/** An LDH host name (RFC 1123 §2.1), each label at most 63 characters. */
const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** A new, unique `<uuid@domain>`; `domain` is a host name (see `domainOf`), never raw input. */
export function newMessageId(domain: string): string {
  if (!HOST_NAME.test(domain)) throw new Error(`Not a host name for a Message-ID: ${JSON.stringify(domain)}`);
  return `<${randomUUID()}@${domain}>`;
}

/**
 * The ids of an `In-Reply-To` or `References` header (one value or several, as parsers give
 * repeated headers), in order, each once. A lone id without brackets, as some clients write
 * In-Reply-To, is taken and bracketed. Ids longer than a line are dropped; past 100 ids the first
 * and the latest 99 are kept, since those are the ones a reply matches against.
 */
export function parseMessageIds(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const value = Array.isArray(header) ? header.join(' ') : header;
  const found = value.match(BRACKETED_ID) ?? bareId(value);
  const ids = [...new Set(found.filter((id) => id.length <= LONGEST_ID))];
  return ids.length > MOST_IDS ? [ids[0]!, ...ids.slice(-(MOST_IDS - 1))] : ids;
}

/**
 * The References of a reply to `previous`: its References followed by its Message-ID (RFC 5322
 * §3.6.4, which also says to use the parent's In-Reply-To when it had no References; the caller
 * passes that as `references`), each id once, trimmed to the first and the latest 20. A parent
 * without a Message-ID (`''`) adds nothing.
 */
export function referencesFor(previous: { messageId: string; references: string[] }): string[] {
  const chain = [...new Set([...previous.references, previous.messageId].filter((id) => id !== ''))];
  return chain.length > LATEST_REFERENCES + 1 ? [chain[0]!, ...chain.slice(-LATEST_REFERENCES)] : chain;
}

/**
 * The domain of a bare address as an ASCII host name, lowercased (domains are case-insensitive,
 * RFC 5321 §2.4) and punycoded when internationalised; null when there is none.
 */
export function domainOf(address: string): string | null {
  const domain = address.slice(address.lastIndexOf('@') + 1).trim();
  if (!address.includes('@') || domain === '') return null;
  // domainToASCII would also turn `123` into the IPv4 address `0.0.0.123`; ASCII needs no help.
  const ascii = /^[\x21-\x7e]+$/.test(domain) ? domain.toLowerCase() : domainToASCII(domain);
  return HOST_NAME.test(ascii) ? ascii : null;
}

function bareId(value: string): string[] {
  const id = value.trim();
  return id !== '' && !/[\s<>]/.test(id) ? [`<${id}>`] : [];
}
