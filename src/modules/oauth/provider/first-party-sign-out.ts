import type { IncomingMessage } from 'node:http';
import type { KoaContextWithOIDC } from 'oidc-provider';

/**
 * Set on the raw request by the mount (routes.provider.api.ts): ends the browser's Switchboard sign-in
 * (revoking the user's grants, like the site's own sign-out) and returns the Set-Cookie header
 * that clears its cookie.
 */
export const END_FIRST_PARTY_SESSION = Symbol('switchboard.endFirstPartySession');
type RawRequest = IncomingMessage & { [END_FIRST_PARTY_SESSION]?: () => Promise<string | undefined> };

/**
 * The end-session confirmation signs out of Switchboard as well, but only once the provider has
 * accepted it: its form token (xsrf) matched the question this browser was asked, so a cross-site
 * or replayed post, which the provider answers with an error, changes nothing.
 */
export function firstPartySignOut() {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    // The provider redirects (303) only after checking the form token and ending its own session.
    if (ctx.oidc?.route !== 'end_session_confirm' || ctx.status !== 303) return;
    const cleared = await (ctx.req as RawRequest)[END_FIRST_PARTY_SESSION]?.();
    if (cleared) ctx.append('set-cookie', cleared);
  };
}
