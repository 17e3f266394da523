import type { TestApp } from './app.js';
import { waitFor } from './wait.js';

/**
 * What the email tests read back from the database: a mail as taken in (and once it left
 * `pending`), the tickets a sender has, a ticket's message bodies, and the dev outbox's mail for
 * someone. Each waits where the pipeline works in the background. `app` is read at each call, so
 * a test file can make its helpers before its app is built.
 */
export function mailRows(app: () => TestApp, timeoutMs = 30_000) {
  const db = () => app().platform.database.system;
  const inbound = (messageId: string) =>
    db().selectFrom('mail_inbound').selectAll().where('message_id', '=', messageId).executeTakeFirst();
  const outbox = (to: string) =>
    db()
      .selectFrom('outbox_messages')
      .selectAll()
      .where('recipient', '=', to)
      .orderBy('created_at', 'desc')
      .execute();
  return {
    inbound,
    /** The mail once its processing decided what it is. */
    async settled(messageId: string) {
      await waitFor(
        async () => ((await inbound(messageId))?.state ?? 'pending') !== 'pending',
        timeoutMs,
        `mail ${messageId}`,
      );
      return (await inbound(messageId))!;
    },
    ticketsOf: (email: string) =>
      db()
        .selectFrom('tickets')
        .innerJoin('users', 'users.id', 'tickets.requester_id')
        .select(['tickets.id', 'tickets.number', 'tickets.subject', 'tickets.channel'])
        .where('users.email', '=', email)
        .execute(),
    async bodiesOf(ticketId: string) {
      const rows = await db()
        .selectFrom('ticket_messages')
        .select('body')
        .where('ticket_id', '=', ticketId)
        .orderBy('created_at')
        .execute();
      return rows.map((m) => m.body);
    },
    /** Every mail the dev outbox holds for `to`, newest first, once there is one. */
    async outboxFor(to: string) {
      await waitFor(async () => (await outbox(to)).length > 0, timeoutMs, `mail to ${to}`);
      return outbox(to);
    },
    /** The newest mail the dev outbox holds for `to`, once there is one. */
    async outboxTo(to: string) {
      await waitFor(async () => (await outbox(to)).length > 0, timeoutMs, `mail to ${to}`);
      return (await outbox(to))[0]!;
    },
  };
}
