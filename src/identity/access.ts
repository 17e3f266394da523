import type { Permission } from './permissions.js';

/**
 * What a route requires, declared on every route as `config: { access }`:
 * - `public`: anyone (sign-in forms, probes, webhooks that authenticate another way);
 * - `signed-in`: a session; the handler checks which sign-in state it needs (MFA pending, enrolling,
 *   done) and only ever touches the caller's own records;
 * - `{ permission }`: a fully signed-in, active user whose roles grant it (any one of a list).
 * A route without a declaration cannot be registered: deny by default.
 */
export type Access = 'public' | 'signed-in' | { permission: Permission | readonly Permission[] };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}

/** Route options declaring access; spread them into a route's options: `{ ...PUBLIC, schema }`. */
export const PUBLIC = { config: { access: 'public' } } as const satisfies { config: { access: Access } };
export const SIGNED_IN = { config: { access: 'signed-in' } } as const satisfies {
  config: { access: Access };
};
export const needs = (...permission: Permission[]): { config: { access: Access } } => ({
  config: { access: { permission: permission.length === 1 ? permission[0]! : permission } },
});

/** Routes added by third-party plugins (static files, the API explorer), which cannot carry config. */
export const PUBLIC_PLUGIN_PREFIXES = ['/static/', '/api/docs'] as const;
