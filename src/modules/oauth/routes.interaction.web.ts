import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { InteractionResults } from 'oidc-provider';
import Type from 'typebox';
import { PUBLIC } from '../../identity/access.js';
import { rememberReturnTo } from '../../identity/return-to.js';
import { signedInAt } from '../../identity/session-plugin.js';
import { findUserById } from '../../identity/users/repo.js';
import { FormBody, formField, renderPage } from '../../web/forms.js';
import { wordsOf } from '../../web/page-context.js';
import type { OauthServer } from './provider/provider.js';
import { scopeMessageKey } from './scopes.js';

/** What the consent prompt says is not granted yet (oidc-provider's `prompt.details`). */
interface ConsentDetails {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

const Params = Type.Object({ uid: Type.String({ pattern: '^[A-Za-z0-9_-]{10,64}$' }) });

/** The current sign-in's time in seconds since the epoch (what OpenID Connect's `auth_time` uses). */
const authenticatedAt = (request: FastifyRequest): number => Math.floor(signedInAt(request) / 1000);

/**
 * The browser steps of the authorization code flow. Sign-in is Switchboard's own (password, magic
 * link, MFA, passkeys): an app's request waits here while the visitor signs in, then resumes.
 * Consent is asked once per app and remembered until the user revokes it (/account/apps).
 */
export const interactionRoutes: FastifyPluginAsyncTypebox<{ server: OauthServer }> = async (
  app,
  { server },
) => {
  const expired = (request: FastifyRequest, reply: FastifyReply) =>
    renderPage(
      request,
      reply,
      'pages/auth/notice.njk',
      {
        heading: wordsOf(request)('oauth:expired.title'),
        text: wordsOf(request)('oauth:expired.text'),
      },
      400,
    );

  /** The pending request, or null when its cookie is gone or it expired. */
  async function details(request: FastifyRequest, reply: FastifyReply) {
    const provider = await server.provider();
    try {
      return { provider, interaction: await provider.interactionDetails(request.raw, reply.raw) };
    } catch (error) {
      // The provider (and so its module) is loaded by now: server.provider() above.
      const { errors } = await import('oidc-provider');
      if (error instanceof errors.SessionNotFound) return null;
      throw error;
    }
  }

  async function finish(
    request: FastifyRequest,
    reply: FastifyReply,
    result: InteractionResults,
    merge: boolean,
  ) {
    const provider = await server.provider();
    const to = await provider.interactionResult(request.raw, reply.raw, result, {
      mergeWithLastSubmission: merge,
    });
    const next = new URL(to, app.platform.config.PUBLIC_URL);
    return renderPage(request, reply, 'pages/oauth/continue.njk', { next: next.pathname + next.search });
  }

  app.get('/oauth/interaction/:uid', { ...PUBLIC, schema: { params: Params } }, async (request, reply) => {
    const found = await details(request, reply);
    if (!found || found.interaction.uid !== request.params.uid) return expired(request, reply);
    const { interaction } = found;
    const session = request.session;
    const here = `/oauth/interaction/${interaction.uid}`;
    // A fresh sign-in is due when nobody is fully signed in, or when the app insisted on one
    // (prompt=login, max_age) and the current sign-in is older than its request.
    const reasons = interaction.prompt.reasons;
    const wantsFresh = reasons.includes('login_prompt') || reasons.includes('max_age');
    if (session?.data.mfa !== 'done' || (wantsFresh && authenticatedAt(request) < interaction.iat)) {
      rememberReturnTo(request, reply, here);
      const next =
        session?.data.mfa === 'pending'
          ? '/mfa'
          : session?.data.mfa === 'enroll'
            ? '/account/security'
            : '/login';
      return reply.redirect(next, 303);
    }
    if (interaction.prompt.name === 'login') {
      return finish(
        request,
        reply,
        {
          login: {
            accountId: session.userId,
            ts: authenticatedAt(request),
            amr: [String(session.data.method ?? 'pwd')],
          },
        },
        false,
      );
    }
    // Consent: asked of the person the provider signed in, which is who is signed in here.
    if (interaction.session?.accountId !== session.userId) {
      rememberReturnTo(request, reply, here);
      return reply.redirect('/login', 303);
    }
    const user = await findUserById(app.platform.database.db, session.userId);
    const client = await found.provider.Client.find(String(interaction.params.client_id));
    const requested = new Set<string>();
    const missing = interaction.prompt.details as ConsentDetails;
    for (const s of missing.missingOIDCScope ?? []) requested.add(s);
    for (const list of Object.values(missing.missingResourceScopes ?? {}))
      for (const s of list) requested.add(s);
    return renderPage(request, reply, 'pages/oauth/consent.njk', {
      uid: interaction.uid,
      clientName: client?.clientName ?? String(interaction.params.client_id),
      email: user?.email,
      scopes: [...requested].map((name) => ({ name, key: scopeMessageKey(name) })),
    });
  });

  app.post(
    '/oauth/interaction/:uid/consent',
    { ...PUBLIC, schema: { params: Params, body: FormBody } },
    async (request, reply) => {
      const found = await details(request, reply);
      if (!found || found.interaction.uid !== request.params.uid) return expired(request, reply);
      const { interaction, provider } = found;
      const session = request.session;
      if (
        interaction.prompt.name !== 'consent' ||
        !session ||
        session.data.mfa !== 'done' ||
        interaction.session?.accountId !== session.userId
      ) {
        return reply.redirect(`/oauth/interaction/${interaction.uid}`, 303);
      }
      if (formField(request.body, 'decision') !== 'allow') {
        return finish(
          request,
          reply,
          { error: 'access_denied', error_description: 'The user declined the request.' },
          false,
        );
      }
      const clientId = String(interaction.params.client_id);
      const grant = interaction.grantId
        ? await provider.Grant.find(interaction.grantId)
        : new provider.Grant({ accountId: session.userId, clientId });
      if (!grant) return expired(request, reply);
      const missing = interaction.prompt.details as ConsentDetails;
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
        grant.addResourceScope(resource, scopes.join(' '));
      const grantId = await grant.save();
      return finish(request, reply, { consent: { grantId } }, true);
    },
  );
};
