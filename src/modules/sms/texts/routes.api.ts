import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { SIGNED_IN } from '../../../identity/access.js';
import { signedInViewer } from '../../../identity/access-plugin.js';
import { authDeps } from '../../../identity/ports.js';
import { maskedPhone } from '../inbound/sender.js';

const Text = Type.Object({
  id: Type.String(),
  number: Type.String({ description: 'Our line (E.164)' }),
  direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  phone: Type.String({ description: 'The other party, masked (+316•••••001)' }),
  body: Type.String(),
  status: Type.String(),
  ticketId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

/**
 * `GET /api/v1/sms/texts`: the texts the caller may read, newest first: those on their own line,
 * team lines' for SMS administrators, everyone's with `sms:read:any`. Row-level security decides
 * (migration 202612071720), so this query has no filter of its own to forget.
 */
export const textApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = authDeps(app.platform);
  app.get(
    '/api/v1/sms/texts',
    {
      ...SIGNED_IN,
      schema: {
        tags: ['SMS'],
        summary: 'Texts on the lines you may read, newest first',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }),
        response: { 200: Type.Object({ items: Type.Array(Text) }) },
      },
    },
    async (request) => {
      // Open to everyone signed in, but what they read turns on their permissions (sms:read:any,
      // sms:manage): the database is told them, as for a route that needs one.
      const viewer = await signedInViewer(request);
      if (viewer)
        Object.assign(request.dbActor, {
          context: 'user',
          userId: viewer.user.id,
          permissions: [...viewer.permissions],
        });
      const rows = await db
        .selectFrom('sms_messages')
        .innerJoin('sms_numbers', 'sms_numbers.id', 'sms_messages.number_id')
        .select([
          'sms_messages.id',
          'sms_numbers.e164 as number',
          'sms_messages.direction',
          'sms_messages.phone',
          'sms_messages.body',
          'sms_messages.status',
          'sms_messages.ticket_id',
          'sms_messages.created_at',
        ])
        .orderBy('sms_messages.created_at', 'desc')
        .limit(request.query.limit ?? 50)
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          number: r.number,
          direction: r.direction,
          phone: maskedPhone(r.phone),
          body: r.body,
          status: r.status,
          ticketId: r.ticket_id,
          createdAt: r.created_at.toISOString(),
        })),
      };
    },
  );
};
