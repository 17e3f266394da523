import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { needs } from '../../../../identity/access.js';
import { formField } from '../../../../web/forms.js';
import { renderInbox } from './list-page.js';
import { pageOf } from './page-text.js';

const READ = needs('tickets:read:any');
const CHANGED = /^[A-Za-z0-9-]{1,30}(,[A-Za-z0-9-]{1,30}){0,99}$/;

/** The inbox list: views with counts, filters and sort as a GET form, keyset pages. */
export const inboxListRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/inbox', READ, async (request, reply) => {
    // After a bulk change (post/redirect/get): the keys it changed, said once.
    const changed = formField(request.query, 'changed');
    if (!CHANGED.test(changed)) return renderInbox(request, reply, request.query);
    const { t } = await pageOf(request, reply);
    const text = t('tickets:inbox.bulk.changed', { keys: changed.split(',').join(', ') });
    return renderInbox(request, reply, request.query, { state: { messages: [{ type: 'success', text }] } });
  });

  // The live region alone (tabs with counts, the rows, the page links): reloaded on every change.
  app.get('/inbox/list', READ, (request, reply) =>
    renderInbox(request, reply, request.query, { fragment: true }),
  );
};
