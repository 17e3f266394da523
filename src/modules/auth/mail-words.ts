import type { TFunction } from 'i18next';
import type { UserRow } from '../../identity/users/repo.js';
import { translator } from '../../platform/i18n/catalog.js';
import { pickLocale } from '../../platform/i18n/locales.js';

/**
 * The translate function of a mail's reader: the sentences a security notice builds in code are
 * written in their language, as the rest of the mail is (`renderMail` picks it the same way).
 */
export const mailWords = (user: Pick<UserRow, 'locale'>): TFunction => translator(pickLocale(user.locale));
