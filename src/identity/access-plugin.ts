import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type DbActor, runAsDbActor, runAsOwnRowsReader } from '../platform/db/actor-context.js';
import { AppError } from '../shared/errors.js';
import { type Access, PUBLIC_PLUGIN_PREFIXES } from './access.js';
import { recordAuthEvent } from './auth-events.js';
import { effectivePermissions } from './role-graph.js';
import { RoleGraphCache } from './role-graph-cache.js';
import { requestMeta, requireUserId } from './session-plugin.js';
import type { BearerTokens, TokenPrincipal } from './token-port.js';
import { UserCache } from './users/cache.js';
import { findUserSummaryById, type UserSummary } from './users/repo.js';

declare module 'fastify' {
  interface FastifyInstance {
    roleGraph: RoleGraphCache;
    /** The acting users' rows, kept briefly between requests (see UserCache). */
    userCache: UserCache;
    /** Every route (`METHOD /url`) and the access it declared: the authorization matrix test walks it. */
    routeAccess: ReadonlyMap<string, Access>;
  }
  interface FastifyContextConfig {
    /** A `signed-in` GET route an access token with the `account:read` scope may read too. */
    tokenReadable?: boolean;
  }
  interface FastifyRequest {
    /**
     * Set on routes that require a permission: the acting user and everything their roles grant
     * (through an access token: what its scopes allow of that). `user` is null for an
     * integration acting as itself (client credentials), named by `clientId`.
     */
    actor: { user: UserSummary | null; clientId?: string; permissions: Set<string> } | null;
    /** Who this request's database work is for (row-level security); filled in by the access check. */
    dbActor: DbActor;
  }
}

/**
 * Refuses to register a route that does not say who may call it. Registered before any route, so
 * it sees them all; routes of third-party plugins under known public prefixes are the exception.
 */
export const routeAccessGuard = fp(
  async (app: FastifyInstance) => {
    const declared = new Map<string, Access>();
    app.decorate('routeAccess', declared);
    app.addHook('onRoute', (route) => {
      const fromPlugin = PUBLIC_PLUGIN_PREFIXES.some((prefix) => route.url.startsWith(prefix));
      // CORS preflights (@fastify/cors) carry no credentials and run no handler of ours.
      const preflight = [route.method].flat().every((m) => m === 'OPTIONS');
      if (!route.config?.access && (fromPlugin || preflight))
        route.config = { ...route.config, access: 'public' };
      const access = route.config?.access;
      if (!access)
        throw new Error(
          `Route ${[route.method].flat().join(',')} ${route.url} declares no access (config.access)`,
        );
      for (const method of [route.method].flat()) declared.set(`${method} ${route.url}`, access);
    });
  },
  { name: 'route-access-guard' },
);

/** Checks `access` for this request now (the route hook does this for declared access; handlers may too). */
export async function requireAccess(request: FastifyRequest, access: Access): Promise<void> {
  if (access === 'public') return;
  if (request.tokenPrincipal) return requireTokenAccess(request, request.tokenPrincipal, access);
  if (!request.session) throw new AppError('unauthenticated');
  const dbActor = request.dbActor;
  if (access === 'signed-in') {
    // The handler works on the caller's own rows: that is all row-level security will show it.
    Object.assign(dbActor, { context: 'user', userId: request.session.userId });
    return;
  }
  const userId = requireUserId(request);
  const user = await activeUser(request, userId);
  if (!user) throw new AppError('unauthenticated');
  const permissions = effectivePermissions(await request.server.roleGraph.get(), user.roles);
  request.actor = { user, permissions };
  Object.assign(dbActor, { context: 'user', userId: user.id, permissions: [...permissions] });
  const wanted = [access.permission].flat();
  if (wanted.some((p) => permissions.has(p))) return;
  await request.server.platform.database.db.transaction().execute((trx) =>
    recordAuthEvent(trx, 'permission_denied', requestMeta(request), user.id, {
      permission: wanted,
      method: request.method,
      route: request.routeOptions.url,
      requestId: request.id,
    }),
  );
  throw new AppError('forbidden');
}

/** The user behind `userId` when active (the short-lived cache, else their own row). */
async function activeUser(request: FastifyRequest, userId: string): Promise<UserSummary | undefined> {
  const user = await request.server.userCache.get(userId, () =>
    runAsOwnRowsReader(userId, () => findUserSummaryById(request.server.platform.database.db, userId)),
  );
  return user?.status === 'active' ? user : undefined;
}

/**
 * Who is looking at a page, for the app shell (their name, their navigation, their language): the
 * fully signed-in, active user of the session and what their roles grant, or undefined. Never
 * throws; a session still waiting for a second factor is nobody yet.
 */
export async function signedInViewer(
  request: FastifyRequest,
): Promise<{ user: UserSummary; permissions: ReadonlySet<string> } | undefined> {
  if (request.actor?.user && !request.actor.clientId)
    return { user: request.actor.user, permissions: request.actor.permissions };
  const session = request.session;
  if (!session || session.data.mfa === 'pending' || session.data.mfa === 'enroll') return undefined;
  const user = await activeUser(request, session.userId);
  if (!user) return undefined;
  return { user, permissions: effectivePermissions(await request.server.roleGraph.get(), user.roles) };
}

/** The same check for a request that authenticated with an access token instead of a session. */
async function requireTokenAccess(
  request: FastifyRequest,
  principal: TokenPrincipal,
  access: Exclude<Access, 'public'>,
) {
  const dbActor = request.dbActor;
  if (access === 'signed-in') {
    // Security settings, sessions and factors need the person, not an app acting for them.
    const readable = request.routeOptions.config.tokenReadable === true && request.method === 'GET';
    if (!readable || !principal.user || !principal.scopes.includes('account:read'))
      throw new AppError(
        'forbidden',
        'An access token cannot use this endpoint; it needs the account:read scope or a browser session.',
      );
    Object.assign(dbActor, { context: 'user', userId: principal.user.id });
    return;
  }
  request.actor = { user: principal.user, clientId: principal.clientId, permissions: principal.permissions };
  Object.assign(dbActor, {
    context: 'user',
    userId: principal.user?.id,
    permissions: [...principal.permissions],
  });
  const wanted = [access.permission].flat();
  if (wanted.some((p) => principal.permissions.has(p))) return;
  throw new AppError(
    'forbidden',
    `This token does not carry the permission ${wanted.join(' or ')} (check its scopes).`,
  );
}

const bearerToken = (request: FastifyRequest): string | undefined => {
  const header = request.headers.authorization;
  return header?.slice(0, 7).toLowerCase() === 'bearer ' ? header.slice(7).trim() : undefined;
};

/** Enforces each route's declared access before its input is even validated. */
export const accessControlPlugin = fp(
  async (app: FastifyInstance, options: { bearerTokens: BearerTokens }) => {
    const roleGraph = new RoleGraphCache(app.platform.database.db, app.platform.cache, app.platform.pubsub);
    await roleGraph.start();
    app.decorate('roleGraph', roleGraph);
    const { databaseEvents, config } = app.platform;
    const userCache = new UserCache(databaseEvents, config.AUTH_CACHE_SECONDS);
    await userCache.start();
    app.decorate('userCache', userCache);
    app.decorateRequest('actor', null);
    app.decorateRequest('tokenPrincipal', null);
    app.decorate('bearerTokens', options.bearerTokens);
    app.decorateRequest('dbActor', null as unknown as DbActor);
    app.addHook('onClose', async () => {
      await roleGraph.stop();
      await userCache.stop();
      await options.bearerTokens.close();
    });
    // Everything after this hook runs with the request's database actor (system until the access
    // check below names a user), which the pool stamps on each connection for row-level security.
    app.addHook('onRequest', (request, _reply, done) => {
      request.dbActor = { context: 'system' };
      runAsDbActor(request.dbActor, done);
    });
    app.addHook('preValidation', async (request) => {
      const access = request.routeOptions.config.access;
      if (!access) return;
      // An access token replaces the cookie for this request: an app never rides on a browser
      // session (and the CSRF check, meant for cookies, does not apply to it).
      const token = access === 'public' ? undefined : bearerToken(request);
      if (token !== undefined) {
        request.session = null;
        request.tokenPrincipal = await options.bearerTokens.principalOf(token, await roleGraph.get());
      }
      await requireAccess(request, access);
    });
  },
  { name: 'access-control', dependencies: ['auth'] },
);

/** The person behind a permission-checked request; an integration acting as itself is refused. */
export function actingUser(request: FastifyRequest): UserSummary {
  const user = request.actor?.user;
  if (!user) throw new AppError('forbidden', 'This needs a person, not an app acting on its own behalf.');
  return user;
}

/** Who the audit log names for a permission-checked request: the user, or the integration. */
export function auditActor(request: FastifyRequest): { type: 'user' | 'api_client'; id: string | null } {
  const actor = request.actor;
  return actor?.user
    ? { type: 'user', id: actor.user.id }
    : { type: 'api_client', id: actor?.clientId ?? null };
}
