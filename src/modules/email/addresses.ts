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
  return (await addressBook(db, config)).ours;
}

/** Our addresses, and the category each stored one files new tickets under (if it has one). */
export interface AddressBook {
  ours: Set<string>;
  /** The category of the first of `recipients` that has one. */
  categoryFor(recipients: readonly string[]): string | null;
}

/** Our addresses and their default categories, in one read (mail intake runs it for every mail). */
export async function addressBook(db: Kysely<DB> | Transaction<DB>, config: Config): Promise<AddressBook> {
  const configured = config.SUPPORT_ADDRESSES.split(',').map(bareAddress).filter(Boolean);
  const stored = await db.selectFrom('mail_addresses').select(['address', 'category_id']).execute();
  const categories = new Map(stored.map((r) => [r.address, r.category_id]));
  return {
    ours: new Set([primaryAddress(config), ...configured, ...categories.keys()]),
    categoryFor: (recipients) => recipients.map((r) => categories.get(r)).find((c) => c != null) ?? null,
  };
}
