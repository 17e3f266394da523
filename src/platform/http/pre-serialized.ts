import type { FastifyReply } from 'fastify';

/**
 * The JSON a route's own response schema made earlier (`reply.serialize`), sent as it is: Fastify
 * passes a string with a JSON content type through. For answers kept between requests, so they
 * are serialized once instead of once per request.
 */
export function serializeFor(reply: FastifyReply, payload: unknown): string {
  return String(reply.serialize(payload));
}

export function sendSerialized(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}
