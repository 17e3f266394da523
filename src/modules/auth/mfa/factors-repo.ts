import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import type { MfaFactorsTable } from './table.js';
import './table.js';

export type FactorRow = Selectable<MfaFactorsTable>;
type Db = Kysely<DB> | Transaction<DB>;

const COLUMNS = [
  'id',
  'user_id',
  'kind',
  'label',
  'secret_sealed',
  'phone',
  'last_step',
  'credential_id',
  'public_key',
  'sign_count',
  'transports',
  'confirmed_at',
  'last_used_at',
  'created_at',
] as const;

export const confirmedFactors = (db: Db, userId: string): Promise<FactorRow[]> =>
  db
    .selectFrom('mfa_factors')
    .select(COLUMNS)
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is not', null)
    .orderBy('created_at')
    .execute();

export const findFactor = (db: Db, userId: string, id: string): Promise<FactorRow | undefined> =>
  db
    .selectFrom('mfa_factors')
    .select(COLUMNS)
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();

export async function insertFactor(db: Db, values: Insertable<MfaFactorsTable>): Promise<string> {
  const row = await db.insertInto('mfa_factors').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Records a TOTP step as used, only if it is newer than the last one: the condition in the UPDATE
 * makes two concurrent uses of one code impossible.
 */
export async function advanceStep(
  db: Db,
  factorId: string,
  step: number,
  confirm: boolean,
): Promise<boolean> {
  const row = await db
    .updateTable('mfa_factors')
    .set({ last_step: step, last_used_at: new Date(), ...(confirm ? { confirmed_at: new Date() } : {}) })
    .where('id', '=', factorId)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export const deleteFactor = (db: Db, userId: string, id: string) =>
  db.deleteFrom('mfa_factors').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();

/** The confirmed passkey with this WebAuthn credential id, whoever owns it. */
export const findPasskey = (db: Db, credentialId: string): Promise<FactorRow | undefined> =>
  db
    .selectFrom('mfa_factors')
    .select(COLUMNS)
    .where('kind', '=', 'passkey')
    .where('credential_id', '=', credentialId)
    .where('confirmed_at', 'is not', null)
    .executeTakeFirst();

export const renameFactor = (db: Db, userId: string, id: string, label: string) =>
  db
    .updateTable('mfa_factors')
    .set({ label })
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .where('confirmed_at', 'is not', null)
    .executeTakeFirst();
