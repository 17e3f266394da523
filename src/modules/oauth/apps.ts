import { type Kysely, sql } from 'kysely';
import type { AuthContext } from '../../identity/context.js';
import { recordAudit } from '../../platform/audit/record.js';
import type { DB } from '../../platform/db/schema.js';
import { AppError } from '../../shared/errors.js';
import { deleteGrantsWithTokens, liveGrants } from './provider/grants.js';

/** An app a user has let act for them: what they allowed, and since when. */
export interface AuthorisedApp {
  clientId: string;
  name: string;
  scopes: string[];
  grantedAt: Date;
}

interface GrantPayload {
  clientId: string;
  iat?: number;
  openid?: { scope?: string };
  resources?: Record<string, string>;
}

/** The apps a user has authorised (one line per app, however many grants it holds). */
export async function listAuthorisedApps(db: Kysely<DB>, userId: string): Promise<AuthorisedApp[]> {
  const rows = await liveGrants(db, userId)
    .leftJoin('oauth_clients', (join) =>
      join.on('oauth_clients.client_id', '=', sql<string>`oauth_store.payload->>'clientId'`),
    )
    .select(['oauth_store.payload', 'oauth_store.created_at', 'oauth_clients.name'])
    .orderBy('oauth_store.created_at', 'desc')
    .execute();
  const apps = new Map<string, AuthorisedApp>();
  for (const row of rows) {
    const grant = row.payload as unknown as GrantPayload;
    const app = apps.get(grant.clientId) ?? {
      clientId: grant.clientId,
      name: row.name ?? grant.clientId,
      scopes: [],
      grantedAt: row.created_at,
    };
    const scopes = [grant.openid?.scope ?? '', ...Object.values(grant.resources ?? {})].join(' ').split(' ');
    app.scopes = [...new Set([...app.scopes, ...scopes.filter(Boolean)])].sort();
    if (row.created_at < app.grantedAt) app.grantedAt = row.created_at;
    apps.set(grant.clientId, app);
  }
  return [...apps.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Withdraws everything a user allowed an app: its grants, refresh tokens and codes go at once. */
export async function revokeAuthorisedApp(ctx: AuthContext, userId: string, clientId: string): Promise<void> {
  const grants = await liveGrants(ctx.trx, userId, clientId).select('id').execute();
  if (grants.length === 0) throw new AppError('not_found', 'You have not authorised this app.');
  await deleteGrantsWithTokens(
    ctx.trx,
    grants.map((g) => g.id),
  );
  await recordAudit(ctx.trx, {
    actor: { type: 'user', id: userId },
    action: 'oauth.app_revoked',
    target: { type: 'oauth_client', id: clientId },
    outcome: 'success',
    ip: ctx.meta.ip,
    userAgent: ctx.meta.userAgent,
    requestId: ctx.meta.requestId,
  });
}
