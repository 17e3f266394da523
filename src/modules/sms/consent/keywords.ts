import type { Locale } from '../../../platform/i18n/locales.js';

export type ConsentKeyword = { action: 'opt-out' | 'opt-in' | 'help'; keyword: string; locale: Locale };

/**
 * The words carriers require a long code to honour (CTIA's Messaging Principles; Twilio's default
 * opt-out keywords), and the Dutch AFMELDEN: a text that is only one of them, in any case, with
 * stray spaces or a full stop, is that request and nothing else.
 */
const KEYWORDS: Record<string, Omit<ConsentKeyword, 'keyword'>> = {
  STOP: { action: 'opt-out', locale: 'en' },
  STOPALL: { action: 'opt-out', locale: 'en' },
  UNSUBSCRIBE: { action: 'opt-out', locale: 'en' },
  CANCEL: { action: 'opt-out', locale: 'en' },
  END: { action: 'opt-out', locale: 'en' },
  QUIT: { action: 'opt-out', locale: 'en' },
  AFMELDEN: { action: 'opt-out', locale: 'nl' },
  START: { action: 'opt-in', locale: 'en' },
  UNSTOP: { action: 'opt-in', locale: 'en' },
  HELP: { action: 'help', locale: 'en' },
};

export function consentKeyword(body: string): ConsentKeyword | null {
  const word = body
    .trim()
    .replace(/[.!]+$/, '')
    .toUpperCase();
  const found = KEYWORDS[word];
  return found ? { ...found, keyword: word } : null;
}
