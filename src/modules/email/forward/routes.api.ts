import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { AppError } from '../../../shared/errors.js';
import { acceptMail } from '../inbound/accept.js';
import { acceptedForwardSecrets } from '../settings/forward-secret.js';
import { SIGNATURE_WINDOW_SECONDS, validForwardAny } from './signature.js';

const Accepted = Type.Object({
  id: Type.Union([Type.String(), Type.Null()]),
  duplicate: Type.Boolean(),
});

/**
 * Raw mail forwarded by a mail provider's routing worker (a Cloudflare Email Worker, as the
 * legacy site used; docs/email-worker.js): `POST /api/v1/mail/inbound` with the RFC 5322 message
 * as the body (`Content-Type: message/rfc822`), `X-Switchboard-Timestamp` (Unix seconds) and
 * `X-Switchboard-Signature: sha256=<hex HMAC of "<timestamp>.<body>">` under MAIL_FORWARD_SECRET or
 * the secret generated on /admin/mail/forwarding (for a while after a rotation, the one before it).
 * A bad, stale or replayed signature is 401 and stores nothing, as is every request while there is
 * no secret at all; a good one answers 202 once the mail and its job are stored.
 */
export const forwardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { platform } = app;
  app.addContentTypeParser(
    'message/rfc822',
    { parseAs: 'buffer', bodyLimit: platform.config.INBOUND_MAX_BYTES },
    (_request, body, done) => done(null, body),
  );
  app.post(
    '/api/v1/mail/inbound',
    {
      config: { access: 'public', csrf: false },
      schema: {
        tags: ['Email'],
        summary: 'Take in a forwarded raw mail (HMAC-signed by the forwarding worker)',
        response: { 202: Accepted },
      },
    },
    async (request, reply) => {
      const secrets = await acceptedForwardSecrets(platform.database.system, platform.config);
      const body = request.body;
      const timestamp = request.headers['x-switchboard-timestamp'];
      const signature = request.headers['x-switchboard-signature'];
      const bad = () =>
        new AppError('unauthenticated', 'The forwarding signature is missing, wrong, stale or used before.');
      // No secret at all: forwarding is off, and nothing can be signed well enough to get in.
      if (secrets.length === 0)
        throw new AppError('unauthenticated', 'Mail forwarding is off: no forwarding secret is set.');
      if (!Buffer.isBuffer(body) || typeof timestamp !== 'string' || typeof signature !== 'string')
        throw bad();
      if (!validForwardAny(secrets, timestamp, signature, body)) throw bad();
      await platform.database.system
        .deleteFrom('mail_forward_signatures')
        .where('seen_at', '<', new Date(Date.now() - 2 * SIGNATURE_WINDOW_SECONDS * 1000))
        .execute();
      // Each signature is good once: a captured request sent again is refused, not stored twice.
      const seen = await platform.database.system
        .insertInto('mail_forward_signatures')
        .values({ signature: createHash('sha256').update(signature).digest('hex') })
        .onConflict((oc) => oc.column('signature').doNothing())
        .returning('signature')
        .executeTakeFirst();
      if (!seen) throw bad();
      const stored = await acceptMail(platform, { raw: body, source: 'forward', remoteIp: request.ip });
      return reply.code(202).send(stored);
    },
  );
};
