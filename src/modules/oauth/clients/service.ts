import { randomBytes } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { AuthContext } from '../../../identity/context.js';
import { recordAudit } from '../../../platform/audit/record.js';
import type { DB } from '../../../platform/db/schema.js';
import { AppError } from '../../../shared/errors.js';
import { type ClientRow, findClient } from './repo.js';
import { hashClientSecret, newClientSecret } from './secret.js';
import { type ClientInput, validateClientInput } from './validate.js';

/** A client and, when one was just made, its secret: the only time anyone sees it. */
export interface ClientWithSecret {
  client: ClientRow;
  secret: string | null;
}

async function audit(
  ctx: AuthContext,
  actorId: string | null,
  action: string,
  clientId: string,
  details = {},
) {
  await recordAudit(ctx.trx, {
    actor: { type: actorId ? 'user' : 'cli', id: actorId },
    action: `oauth_client.${action}`,
    target: { type: 'oauth_client', id: clientId },
    outcome: 'success',
    ip: ctx.meta.ip,
    userAgent: ctx.meta.userAgent,
    requestId: ctx.meta.requestId,
    details,
  });
}

async function existingClient(trx: Transaction<DB>, clientId: string): Promise<ClientRow> {
  const client = await findClient(trx, clientId);
  if (!client) throw new AppError('not_found', 'There is no app with this client id.');
  return client;
}

export async function registerClient(
  ctx: AuthContext,
  actorId: string | null,
  raw: ClientInput,
): Promise<ClientWithSecret> {
  const input = validateClientInput(raw);
  const secret = input.type === 'confidential' ? newClientSecret() : null;
  const client = await ctx.trx
    .insertInto('oauth_clients')
    .values({
      client_id: `sbc_${randomBytes(12).toString('base64url')}`,
      name: input.name,
      type: input.type,
      redirect_uris: input.redirectUris,
      grant_types: input.grantTypes,
      scopes: input.scopes,
      secret_hash: secret ? hashClientSecret(secret) : null,
      secret_rotated_at: secret ? new Date() : null,
      created_by: actorId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await audit(ctx, actorId, 'created', client.client_id, { ...input });
  return { client, secret };
}

/** Changes name, redirect URIs, grants or scopes; the type (and so the secret) stays. */
export async function updateClient(
  ctx: AuthContext,
  actorId: string | null,
  clientId: string,
  changes: Omit<ClientInput, 'type'>,
): Promise<ClientRow> {
  const current = await existingClient(ctx.trx, clientId);
  const input = validateClientInput({ ...changes, type: current.type });
  const client = await ctx.trx
    .updateTable('oauth_clients')
    .set({
      name: input.name,
      redirect_uris: input.redirectUris,
      grant_types: input.grantTypes,
      scopes: input.scopes,
      updated_at: new Date(),
    })
    .where('client_id', '=', clientId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await audit(ctx, actorId, 'updated', clientId, { ...input });
  return client;
}

/** A new secret replaces the old at once (the old one stops working): shown once, stored hashed. */
export async function rotateClientSecret(
  ctx: AuthContext,
  actorId: string | null,
  clientId: string,
): Promise<ClientWithSecret> {
  const current = await existingClient(ctx.trx, clientId);
  if (current.type !== 'confidential') throw new AppError('conflict', 'A public client has no secret.');
  const secret = newClientSecret();
  const client = await ctx.trx
    .updateTable('oauth_clients')
    .set({ secret_hash: hashClientSecret(secret), secret_rotated_at: new Date(), updated_at: new Date() })
    .where('client_id', '=', clientId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await audit(ctx, actorId, 'secret_rotated', clientId);
  return { client, secret };
}

/** Deletes the app with every grant people gave it and every token it holds. */
export async function deleteClient(
  ctx: AuthContext,
  actorId: string | null,
  clientId: string,
): Promise<void> {
  const client = await existingClient(ctx.trx, clientId);
  await ctx.trx.deleteFrom('oauth_store').where(sql<string>`payload->>'clientId'`, '=', clientId).execute();
  await ctx.trx.deleteFrom('oauth_clients').where('client_id', '=', clientId).execute();
  await audit(ctx, actorId, 'deleted', clientId, { name: client.name });
}
