import type { FastifyRequest } from 'fastify';
import Type, { type TSchema } from 'typebox';
import { requestMeta } from '../../../identity/session-plugin.js';
import type { NumberListRow, NumberRow } from './repo.js';
import type { NumberActor } from './service.js';

const nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const SmsNumber = Type.Object({
  id: Type.String(),
  e164: Type.String(),
  providerSid: Type.String(),
  country: Type.String(),
  capabilities: Type.Object({ sms: Type.Boolean(), mms: Type.Boolean(), voice: Type.Boolean() }),
  monthlyPrice: nullable(Type.String()),
  priceUnit: nullable(Type.String()),
  kind: Type.Union([Type.Literal('personal'), Type.Literal('team')]),
  ownerId: nullable(Type.String()),
  categoryId: nullable(Type.String()),
  label: nullable(Type.String()),
  smsUrl: nullable(Type.String()),
  statusUrl: nullable(Type.String()),
  webhooksCheckedAt: nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  releasedAt: nullable(Type.String({ format: 'date-time' })),
});

export const presentNumber = (r: NumberRow | NumberListRow) => ({
  id: r.id,
  e164: r.e164,
  providerSid: r.provider_sid,
  country: r.country,
  capabilities: { sms: r.sms, mms: r.mms, voice: r.voice },
  monthlyPrice: r.monthly_price,
  priceUnit: r.price_unit,
  kind: r.owner_id ? ('personal' as const) : ('team' as const),
  ownerId: r.owner_id,
  categoryId: r.category_id,
  label: r.label,
  smsUrl: r.sms_url,
  statusUrl: r.status_url,
  webhooksCheckedAt: r.webhooks_checked_at?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
  releasedAt: r.released_at?.toISOString() ?? null,
});

/** Who asks, for the audit log: the signed-in user, else the API client behind the token. */
export function actorOf(request: FastifyRequest): NumberActor {
  const userId = (request as { actor?: { user?: { id: string } | null } | null }).actor?.user?.id ?? null;
  const meta = requestMeta(request);
  return { type: userId ? 'user' : 'api_client', id: userId, ip: meta.ip, requestId: meta.requestId ?? null };
}
