import { sql } from 'kysely';
import type { TestApp } from './app.js';
import { waitFor } from './wait.js';

export interface OutboxMail {
  recipient: string;
  subject: string;
  body_text: string;
}

/** Mail the dev outbox holds for `to`, newest first (sending runs as a job, so this waits for it). */
export async function mailTo(t: TestApp, to: string, minimum = 1): Promise<OutboxMail[]> {
  let rows: OutboxMail[] = [];
  await waitFor(
    async () => {
      rows = (
        await sql<OutboxMail>`select recipient, subject, body_text from outbox_messages
        where recipient = ${to} and channel = 'email' order by created_at desc`.execute(
          t.platform.database.db,
        )
      ).rows;
      return rows.length >= minimum;
    },
    15_000,
    `${minimum} mail(s) to ${to}`,
  );
  return rows;
}

/** The token of the first link to `path` in a mail body. */
export function tokenFrom(mail: OutboxMail, path: string): string {
  const match = new RegExp(`${path.replace('/', '\\/')}\\?token=([A-Za-z0-9_-]+)`).exec(mail.body_text);
  if (!match) throw new Error(`no ${path} link in: ${mail.body_text}`);
  return match[1]!;
}
