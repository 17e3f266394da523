import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { forwardRoutes } from './forward/routes.api.js';
import { mailboxRoutes } from './imap/plugin.js';
import { mailInCounts } from './inbound/counters.js';
import { originalMailRoutes } from './original/routes.web.js';
import { quarantineApiRoutes } from './quarantine/routes.api.js';
import { quarantineWebRoutes } from './quarantine/routes.web.js';
import { addressApiRoutes } from './settings/routes.addresses.api.js';
import { addressWebRoutes } from './settings/routes.addresses.web.js';
import { forwardingApiRoutes } from './settings/routes.forwarding.api.js';
import { forwardingWebRoutes } from './settings/routes.forwarding.web.js';
import { type SmtpListener, startSmtpListener } from './smtp/listener.js';

/**
 * The email channel in the running app: the SMTP listener next to the HTTP server (when
 * configured; started when the app is ready, closed before it closes), and the `/metrics` count of
 * mail in by outcome, read from the database at scrape time, so it counts what every process did.
 */
export const emailRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { platform } = app;
  await app.register(forwardRoutes);
  await app.register(originalMailRoutes);
  await app.register(quarantineApiRoutes);
  await app.register(quarantineWebRoutes);
  await app.register(addressApiRoutes);
  await app.register(addressWebRoutes);
  await app.register(forwardingWebRoutes);
  await app.register(forwardingApiRoutes);
  await app.register(mailboxRoutes);
  if (platform.config.INBOUND_SMTP_PORT !== undefined) {
    let listener: SmtpListener | undefined;
    app.addHook('onReady', async () => {
      listener = await startSmtpListener(platform);
    });
    app.addHook('preClose', async () => {
      await listener?.close();
    });
  }
  platform.metrics.gauge(
    'switchboard_mail_in_total',
    'Mail taken in, by what became of it (new-ticket, reply, quarantined, duplicate, bounce, auto-reply-dropped …)',
    ['outcome'],
    async (set) => {
      const rows = await platform.database.system
        .selectFrom('mail_inbound')
        .select((eb) => [
          eb.fn.coalesce('outcome', eb.val('pending')).as('outcome'),
          eb.fn.countAll<number>().as('n'),
        ])
        .groupBy('outcome')
        .execute();
      // Mail refused or recognised before it was stored is counted apart (inbound/counters.ts).
      const counts = await mailInCounts(platform.database.system);
      for (const row of rows)
        counts.set(String(row.outcome), (counts.get(String(row.outcome)) ?? 0) + Number(row.n));
      for (const [outcome, n] of counts) set({ outcome }, n);
    },
  );
};
