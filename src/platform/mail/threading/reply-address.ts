import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../../secrets/derive-key.js';

/**
 * The Reply-To address of a ticket: `support+SB-10423.k3f9q2ab7x@example.com`. The tag after the
 * dot signs the ticket number, so a reply to this address lands in its ticket and nobody can make
 * up an address for another one. (Appending still requires the sender to be on the ticket; the tag
 * only makes the address itself trustworthy.)
 *
 * The tag is the first 50 bits of HMAC-SHA256 in lowercase base32 (RFC 4648 alphabet), 10
 * characters. Base32 because mail systems lowercase local parts freely and a tag must survive
 * that; it takes exactly 5 bits a character from the digest, where base36 would need a
 * big-number division for the same length. 50 bits because a forger can only try tags by
 * sending mail, one guess a message: 2^49 messages on average for one ticket. The whole suffix
 * adds at most 33 characters to the local part, which RFC 5321 §4.5.3.1.1 limits to 64, so a
 * support address's local part should stay within 31.
 */
const TAG_PURPOSE = 'email-reply-address:v1';
const TAG_LENGTH = 10;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Ticket numbers as `ticketKey` shows them: a positive bigint in decimal, no leading zeros. */
const TICKET_NUMBER = /^[1-9]\d{0,17}$/;

/** `base+SB-<number>.<tag>`; the greedy base keeps any `+` a support address has of its own. */
const TAGGED_LOCAL_PART = new RegExp(`^([^\\s@]+)\\+sb-([1-9]\\d{0,17})\\.([a-z2-7]{${TAG_LENGTH}})$`, 'i');

/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets, the address inside it 254. */
const LONGEST_ADDRESS = 254;

export function replyAddressFor(base: string, ticketNumber: string, secretKey: string): string {
  const parts = splitAddress(base);
  if (!parts) throw new Error(`Not a mail address: ${JSON.stringify(base)}`);
  if (!TICKET_NUMBER.test(ticketNumber)) throw new Error(`Not a ticket number: ${ticketNumber}`);
  return `${parts.local}+SB-${ticketNumber}.${tagFor(ticketNumber, secretKey)}@${parts.domain}`;
}

/**
 * The ticket a reply address names and the support address it was made from (as written in the
 * address; compare it case-insensitively), or null for anything but a correctly signed address.
 */
export function ticketFromAddress(
  address: string,
  secretKey: string,
): { ticketNumber: string; base: string } | null {
  const parts = splitAddress(address.trim());
  if (!parts) return null;
  const match = TAGGED_LOCAL_PART.exec(parts.local);
  if (!match) return null;
  const ticketNumber = match[2]!;
  // Same length by the pattern, so timingSafeEqual never throws.
  const expected = Buffer.from(tagFor(ticketNumber, secretKey));
  if (!timingSafeEqual(expected, Buffer.from(match[3]!.toLowerCase()))) return null;
  return { ticketNumber, base: `${match[1]}@${parts.domain}` };
}

function tagFor(ticketNumber: string, secretKey: string): string {
  const digest = createHmac('sha256', deriveKey(secretKey, TAG_PURPOSE)).update(ticketNumber).digest();
  return base32Prefix(digest, TAG_LENGTH);
}

/** The first `length` base32 characters of `bytes`, 5 bits each, most significant first. */
function base32Prefix(bytes: Buffer, length: number): string {
  let tag = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5 && tag.length < length) {
      bits -= 5;
      tag += BASE32.charAt((value >>> bits) & 31);
    }
    if (tag.length === length) break;
  }
  return tag;
}

/** Local part and domain of a bare address; the domain is whatever follows the last `@`. */
function splitAddress(address: string): { local: string; domain: string } | null {
  if (address.length > LONGEST_ADDRESS) return null;
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (at < 1 || !/^[^\s@]+$/.test(local) || !/^[^\s@]+$/.test(domain)) return null;
  return { local, domain };
}
