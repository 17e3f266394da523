import { translator } from '../../platform/i18n/catalog.js';
import { pickLocale } from '../../platform/i18n/locales.js';

/**
 * A texted code in the recipient's language (their profile's; English when they chose none: a
 * text has no page whose language could say better).
 */
export function codeText(kind: 'signInCode' | 'verifyCode', code: string, locale: string | null): string {
  return translator(pickLocale(locale))(`auth:texts.${kind}`, { code });
}
