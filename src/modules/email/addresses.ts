import type { Kysely, Transaction } from 'kysely';
import type { Config } from '../../config.js';
import type { DB } from '../../platform/db/schema.js';
import { bareAddress, primaryAddress } from '../../platform/mail/threading/addresses.js';
import './table.js';

/**
 * Every address the channel takes mail for: SUPPORT_ADDRESSES (or MAIL_FROM's) and those an
 * administrator added on /admin/mail.
 */
export async function supportAddresses(
  db: Kysely<DB> | Transaction<DB>,
  config: Config,
): Promise<Set<string>> {
  const configured = config.SUPPORT_ADDRESSES.split(',').map(bareAddress).filter(Boolean);
  const stored = await db.selectFrom('mail_addresses').select('address').execute();
  return new Set([primaryAddress(config), ...configured, ...stored.map((r) => r.address)]);
}
