import type { Kysely, Transaction } from 'kysely';
import type { Config } from '../../../config.js';
import type { AuthContext } from '../../../identity/context.js';
import type { DB } from '../../../platform/db/schema.js';
import { bareAddress, primaryAddress } from '../../../platform/mail/threading/addresses.js';
import { AppError } from '../../../shared/errors.js';
import { listCategories } from '../../tickets/index.js';
import { auditMailSetting, type MailActor } from './audit.js';
import { deleteAddress, insertAddress, listAddedAddresses, updateAddress } from './repo.js';

/**
 * A mailbox as RFC 5321 §4.1.2 allows it in practice: a dot-atom local part of at most 64
 * octets (§4.5.3.1.1) at a domain of dot-separated LDH labels, 254 octets in all (RFC 3696 errata).
 */
const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

export interface SupportAddress {
  address: string;
  categoryId: string | null;
  categoryName: string | null;
  /** From SUPPORT_ADDRESSES (or MAIL_FROM): read-only here. */
  configured: boolean;
  createdAt: Date | null;
}

/** The addresses from the settings, in their order, the first (the signing one) included. */
export function configuredAddresses(config: Config): string[] {
  const listed = config.SUPPORT_ADDRESSES.split(',').map(bareAddress).filter(Boolean);
  return [...new Set([primaryAddress(config), ...listed])];
}

/** Configured addresses first, then those added here, each with its default category. */
export async function listSupportAddresses(db: Kysely<DB>, config: Config): Promise<SupportAddress[]> {
  const [added, categories] = await Promise.all([listAddedAddresses(db), listCategories(db, true)]);
  const names = new Map(categories.map((c) => [c.id, c.name]));
  const configured = configuredAddresses(config);
  return [
    ...configured.map((address) => ({
      address,
      categoryId: null,
      categoryName: null,
      configured: true,
      createdAt: null,
    })),
    ...added
      .filter((a) => !configured.includes(a.address))
      .map((a) => ({
        address: a.address,
        categoryId: a.category_id,
        categoryName: a.category_id ? (names.get(a.category_id) ?? null) : null,
        configured: false,
        createdAt: a.created_at,
      })),
  ];
}

const refuse = (key: string, detail: string, address: string, code: 'validation_failed' | 'conflict') =>
  new AppError(code, detail, {
    said: { key, values: { address } },
    ...(code === 'validation_failed'
      ? { errors: [{ pointer: '/body/address', detail, said: { key, values: { address } } }] }
      : {}),
  });

/** The address lowercased, or a refusal saying why it cannot be one. */
export function validAddress(input: string): string {
  const address = input.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  const [local, domain] = [address.slice(0, at), address.slice(at + 1)];
  if (at < 1 || address.length > 254 || local.length > 64 || !LOCAL.test(local) || !DOMAIN.test(domain))
    throw refuse(
      'email:addresses.errors.invalid',
      `“${input.slice(0, 100)}” is not a mail address.`,
      input.slice(0, 100),
      'validation_failed',
    );
  return address;
}

async function validCategory(trx: Transaction<DB>, id: string | null | undefined): Promise<string | null> {
  if (!id) return null;
  const active = await listCategories(trx, false);
  if (active.some((c) => c.id === id)) return id;
  const detail = 'There is no such category (or it is archived).';
  throw new AppError('validation_failed', detail, {
    errors: [{ pointer: '/body/categoryId', detail, said: { key: 'email:addresses.errors.category' } }],
  });
}

export async function addSupportAddress(
  ctx: AuthContext,
  config: Config,
  actor: MailActor,
  input: { address: string; categoryId?: string | null },
) {
  const address = validAddress(input.address);
  if (configuredAddresses(config).includes(address))
    throw refuse(
      'email:addresses.errors.configured',
      `${address} is already a support address (set in configuration).`,
      address,
      'conflict',
    );
  const categoryId = await validCategory(ctx.trx, input.categoryId);
  const row = await insertAddress(ctx.trx, address, categoryId);
  if (!row)
    throw refuse(
      'email:addresses.errors.taken',
      `${address} is already a support address.`,
      address,
      'conflict',
    );
  await auditMailSetting(ctx, actor, 'address_added', { type: 'mail_address', id: address }, { categoryId });
  return row;
}

/** Sets (or clears) an added address's default category; configured ones are not changed here. */
export async function changeSupportAddress(
  ctx: AuthContext,
  actor: MailActor,
  input: { address: string; categoryId: string | null },
) {
  const address = input.address.trim().toLowerCase();
  const categoryId = await validCategory(ctx.trx, input.categoryId);
  const row = await updateAddress(ctx.trx, address, categoryId);
  if (!row) throw missing(address);
  await auditMailSetting(
    ctx,
    actor,
    'address_changed',
    { type: 'mail_address', id: address },
    { categoryId },
  );
  return row;
}

export async function removeSupportAddress(ctx: AuthContext, actor: MailActor, input: string): Promise<void> {
  const address = input.trim().toLowerCase();
  if (!(await deleteAddress(ctx.trx, address))) throw missing(address);
  await auditMailSetting(ctx, actor, 'address_removed', { type: 'mail_address', id: address });
}

const missing = (address: string) =>
  new AppError('not_found', `${address.slice(0, 254)} is not an address added here.`, {
    said: { key: 'email:addresses.errors.missing', values: { address: address.slice(0, 254) } },
  });
