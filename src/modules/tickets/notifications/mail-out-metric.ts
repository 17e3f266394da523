import type { Platform } from '../../../platform/runtime.js';

const STATES = { queued: 'queued', sent: 'sent', failed: 'bounced' } as const;

/**
 * `/metrics`: team replies mailed out, by delivery state (queued, sent, bounced), read from the
 * database at scrape time so it counts what every process did.
 */
export function mailOutGauge(platform: Platform): void {
  platform.metrics.gauge(
    'switchboard_mail_out_total',
    'Ticket replies mailed to requesters and people copied, by delivery state (queued, sent, bounced)',
    ['state'],
    async (set) => {
      const rows = await platform.database.system
        .selectFrom('ticket_messages')
        .select((eb) => ['delivery_status', eb.fn.countAll<number>().as('n')])
        .where('delivery_status', 'in', Object.keys(STATES))
        .groupBy('delivery_status')
        .execute();
      const counts = new Map(rows.map((r) => [r.delivery_status, Number(r.n)]));
      for (const [status, state] of Object.entries(STATES)) set({ state }, counts.get(status) ?? 0);
    },
  );
}
