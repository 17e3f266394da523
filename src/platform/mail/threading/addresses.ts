import type { Config } from '../../../config.js';

/** The bare address in `Name <address>` or an address alone, lowercased. */
export const bareAddress = (value: string): string =>
  (/<([^<>]+)>/.exec(value)?.[1] ?? value).trim().toLowerCase();

/** The support address from the settings: SUPPORT_ADDRESSES' first, else MAIL_FROM's. It signs reply addresses. */
export function primaryAddress(config: Pick<Config, 'SUPPORT_ADDRESSES' | 'MAIL_FROM'>): string {
  const configured = config.SUPPORT_ADDRESSES.split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  return bareAddress(configured[0] ?? config.MAIL_FROM);
}
