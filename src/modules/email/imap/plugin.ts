import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Platform } from '../../../platform/runtime.js';
import { MailboxPoller } from './poller.js';
import { mailboxApiRoutes } from './routes.api.js';
import { mailboxWebRoutes } from './routes.web.js';

/** The poller running beside each job queue (one per process), for a look from outside (tests). */
const pollers = new WeakMap<Platform['jobs'], MailboxPoller>();
export const runningPoller = (platform: Platform): MailboxPoller | undefined => pollers.get(platform.jobs);

/**
 * IMAP mailboxes: their admin page and API, and the poller. The poller runs in every `serve`
 * process, whatever WORKER_MODE says: it only stores what it reads (acceptMail, which enqueues the
 * processing job for whichever process runs jobs), so with WORKER_MODE=separate mailboxes are still
 * read. Several processes may run; each mailbox's advisory lock lets one of them poll it.
 */
export const mailboxRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { platform } = app;
  await app.register(mailboxApiRoutes);
  await app.register(mailboxWebRoutes);
  const poller = new MailboxPoller(platform);
  app.addHook('onReady', async () => {
    await poller.start();
    pollers.set(platform.jobs, poller);
  });
  app.addHook('preClose', async () => {
    pollers.delete(platform.jobs);
    await poller.stop();
  });
};
