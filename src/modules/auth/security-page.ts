import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../identity/context.js';
import { hasRecentAuth, requireEnrollable } from '../../identity/session-plugin.js';
import { type FormState, handleForm, renderPage } from '../../web/forms.js';
import { confirmedFactors } from './mfa/factors-repo.js';
import { refusalWords } from './words.js';

/** Renders the security page with whatever the last action produced (setup QR, backup codes …). */
export async function securityPage(
  deps: AuthDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  extra: FormState = {},
  status = 200,
) {
  const userId = requireEnrollable(request);
  const recent = hasRecentAuth(request);
  return renderPage(
    request,
    reply,
    'pages/auth/security.njk',
    {
      factors: await confirmedFactors(deps.db, userId),
      sessions: (await deps.sessions.listByUser(userId)).map((s) => ({
        ...s,
        current: s.idHash === request.session!.idHash,
      })),
      needsReauth: !recent,
      enrollRequired: request.session!.data.mfa === 'enroll',
      ...extra,
    },
    status,
  );
}

/** Runs a security-page action; a refusal re-renders the page with the message and the error's status. */
export function securityRefusal(
  deps: AuthDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  run: () => Promise<FastifyReply | undefined>,
) {
  // The message also sits on the code field, the one most refusals here are about.
  const pageAgain = (state: FormState, status: number) =>
    securityPage(
      deps,
      request,
      reply,
      { ...state, errors: { code: state.messages?.[0]?.text ?? '' } },
      status,
    );
  return handleForm(request, reply, pageAgain, {}, run, {
    ...refusalWords(request),
    passThrough: ['unauthenticated'],
  });
}
