import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * Password rules of NIST SP 800-63B §3.1.1.2 and OWASP ASVS 5.0 V6.2: a minimum length (default
 * 12), at least 128 characters allowed and never truncated, no composition rules, Unicode
 * normalised (NFKC) before hashing, and refused when common or built from the user's own details.
 */
export const MAX_PASSWORD_LENGTH = 256;

// 49,000+ passwords from leaked-password corpora, maintained with zxcvbn-ts.
const COMMON = new Set<string>((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

export interface PasswordContext {
  minLength: number;
  email?: string;
  displayName?: string;
}

export type PasswordProblem = { code: 'too_short' | 'too_long' | 'common' | 'personal'; message: string };

export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Characters as a person counts them (code points), not UTF-16 units. */
const length = (s: string) => [...s].length;

export function checkPassword(raw: string, context: PasswordContext): PasswordProblem | undefined {
  const password = normalizePassword(raw);
  if (length(password) < context.minLength) {
    return { code: 'too_short', message: `Use at least ${context.minLength} characters.` };
  }
  if (length(password) > MAX_PASSWORD_LENGTH) {
    return { code: 'too_long', message: `Use at most ${MAX_PASSWORD_LENGTH} characters.` };
  }
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || COMMON.has(lower.replace(/[\d!?.]+$/, ''))) {
    return {
      code: 'common',
      message: 'This password appears in lists of commonly used or leaked passwords. Choose another.',
    };
  }
  for (const part of personalParts(context)) {
    if (lower.includes(part)) {
      return { code: 'personal', message: 'Do not use your email address or name in your password.' };
    }
  }
  return undefined;
}

function personalParts(context: PasswordContext): string[] {
  const parts: string[] = [];
  if (context.email) {
    const [local] = context.email.toLowerCase().split('@');
    if (local) parts.push(local, ...local.split(/[._+-]/));
  }
  if (context.displayName) parts.push(...context.displayName.toLowerCase().split(/\s+/));
  // Short fragments ("jo", "a") would reject half the dictionary; four characters is the floor.
  return parts.filter((p) => p.length >= 4);
}
