import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageContext } from '../../../../web/page-context.js';

/** `t` of the page being rendered: messages built in code speak the reader's language. */
export type Translate = PageContext['t'];

/** This request's page context (language, zone, `t`), built once and shared with its templates. */
export const pageOf = (request: FastifyRequest, reply: FastifyReply): Promise<PageContext> =>
  request.page ? Promise.resolve(request.page) : request.server.preparePage(request, reply);

/** A status's label in the reader's language; a status added by an admin keeps its own label. */
export const statusLabel = (t: Translate, name: string, label: string) =>
  t(`tickets:status.${name}`, { defaultValue: label });
