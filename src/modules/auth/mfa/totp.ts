import { Secret, TOTP } from 'otpauth';

/**
 * RFC 6238 with the parameters every authenticator app supports: SHA-1, 6 digits, 30-second steps.
 * A code from the step before or after is accepted (±1 step, RFC 6238 §5.2 network delay).
 */
const PARAMS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
export const TOTP_WINDOW = 1;

/** 160-bit seed, the length RFC 4226 §4 recommends for HMAC-SHA-1. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

export function totpUri(secretBase32: string, issuer: string, account: string): string {
  return new TOTP({ ...PARAMS, issuer, label: account, secret: Secret.fromBase32(secretBase32) }).toString();
}

/** The QR code library is loaded when someone sets up an app, not at start (bench/README.md). */
export const totpQrSvg = async (uri: string): Promise<string> =>
  (await import('qrcode')).default.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });

/**
 * The time step the code belongs to, or undefined when it matches none in the window. Callers
 * refuse a step at or before the last one used, so a code that already succeeded (or an older
 * one) cannot be replayed (RFC 6238 §5.2).
 */
export function matchTotp(secretBase32: string, code: string, now = Date.now()): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const totp = new TOTP({ ...PARAMS, secret: Secret.fromBase32(secretBase32) });
  const delta = totp.validate({ token: code, timestamp: now, window: TOTP_WINDOW });
  return delta === null ? undefined : Math.floor(now / 1000 / PARAMS.period) + delta;
}
