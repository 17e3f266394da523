import { createHmac, timingSafeEqual } from 'node:crypto';

/** A signed forward older or newer than this is refused (clock skew and slow retries included). */
export const SIGNATURE_WINDOW_SECONDS = 300;

/** `sha256=<hex>` over `<timestamp>.<raw mail>` with the forwarding secret (what a worker sends). */
export function forwardSignature(secret: string, timestamp: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/**
 * Whether the signature is the one `secret` makes for this body and timestamp, and the timestamp
 * is within the window of `now` (seconds). Compared in constant time.
 */
export function validForward(
  secret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  body: Buffer,
  now = Math.floor(Date.now() / 1000),
): boolean {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS) return false;
  const expected = Buffer.from(forwardSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Whether the signature is good under any of `secrets` (each tried in constant time). */
export function validForwardAny(
  secrets: readonly string[],
  timestamp: string | undefined,
  signature: string | undefined,
  body: Buffer,
  now = Math.floor(Date.now() / 1000),
): boolean {
  let valid = false;
  // Every secret is tried, so the answer takes as long whichever one matched.
  for (const secret of secrets) valid = validForward(secret, timestamp, signature, body, now) || valid;
  return valid;
}
