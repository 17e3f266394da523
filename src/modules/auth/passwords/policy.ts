import { createRequire } from 'node:module';

/**
 * Password rules of NIST SP 800-63B §3.1.1.2 and OWASP ASVS 5.0 V6.2: a minimum length (default
 * 12), at least 128 characters allowed and never truncated, no composition rules, Unicode
 * normalised (NFKC) before hashing, and refused when common or built from the user's own details.
 */
export const MAX_PASSWORD_LENGTH = 256;

let common: Set<string> | undefined;

/**
 * 49,000+ passwords from leaked-password corpora, maintained with zxcvbn-ts. Read when the first
 * password is checked, not at start: the word lists are ~15 MB of memory (bench/README.md).
 */
function commonPasswords(): Set<string> {
  if (!common) {
    const { dictionary } = createRequire(import.meta.url)('@zxcvbn-ts/language-common') as {
      dictionary: Record<string, string[]>;
    };
    common = new Set(dictionary['passwords-common']!.map((p) => p.toLowerCase()));
  }
  return common;
}

/**
 * NIST SP 800-63B §3.1.1.2 asks to refuse "context-specific words, such as the name of the
 * service": the product's name is the first word an attacker tries against a Switchboard site.
 */
export const PRODUCT_NAME = 'Switchboard';

export interface PasswordContext {
  minLength: number;
  email?: string;
  displayName?: string;
  /** This site's own name (the instance name), refused like the product's. */
  siteName?: string;
}

export type PasswordProblem = {
  code: 'too_short' | 'too_long' | 'common' | 'site_name' | 'personal';
  /** In English, for the API. */
  message: string;
  /** What pages show in their language: `auth:password.<code>` with these values. */
  values?: Record<string, string | number>;
};

export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Characters as a person counts them (code points), not UTF-16 units. */
const length = (s: string) => [...s].length;

export function checkPassword(raw: string, context: PasswordContext): PasswordProblem | undefined {
  const password = normalizePassword(raw);
  if (length(password) < context.minLength) {
    return {
      code: 'too_short',
      message: `Use at least ${context.minLength} characters.`,
      values: { min: context.minLength },
    };
  }
  if (length(password) > MAX_PASSWORD_LENGTH) {
    return {
      code: 'too_long',
      message: `Use at most ${MAX_PASSWORD_LENGTH} characters.`,
      values: { max: MAX_PASSWORD_LENGTH },
    };
  }
  const lower = password.toLowerCase();
  const leaked = commonPasswords();
  if (leaked.has(lower) || leaked.has(lower.replace(/[\d!?.]+$/, ''))) {
    return {
      code: 'common',
      message: 'This password appears in lists of commonly used or leaked passwords. Choose another.',
    };
  }
  const name = siteNameIn(password, context);
  if (name) {
    return {
      code: 'site_name',
      message: `Do not build your password from the name of this site (${name}).`,
      values: { name },
    };
  }
  for (const part of personalParts(context)) {
    if (lower.includes(part)) {
      return { code: 'personal', message: 'Do not use your email address or name in your password.' };
    }
  }
  return undefined;
}

/**
 * Letters only, with look-alike digits and symbols read as the letters they stand for, so
 * "Sw1tchb0ard!", "s.w.i.t.c.h.b.o.a.r.d" and "SWITCHBOARD2026" all read "switchboard" (i and l
 * are one letter here: "1" and "|" stand for either).
 */
const LOOK_ALIKES: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '!': 'i',
  '|': 'i',
  l: 'i',
  '3': 'e',
  '4': 'a',
  '@': 'a',
  '5': 's',
  $: 's',
  '7': 't',
  '+': 't',
  '8': 'b',
  '9': 'g',
  '6': 'g',
};
const letters = (s: string): string =>
  [...s.toLowerCase()]
    .map((c) => LOOK_ALIKES[c] ?? c)
    .join('')
    .replace(/[^a-z]/g, '');

/** The product or site name the password is built from, as the person knows it; undefined if none. */
function siteNameIn(password: string, context: PasswordContext): string | undefined {
  const spelled = letters(password);
  const names = [PRODUCT_NAME, context.siteName?.trim() ?? ''];
  // Like personal details, names under four letters would refuse half the dictionary.
  return names.find((name) => letters(name).length >= 4 && spelled.includes(letters(name)));
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
