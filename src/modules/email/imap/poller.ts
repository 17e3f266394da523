import pg from 'pg';
import type { Logger } from 'pino';
import { poolConfig } from '../../../platform/db/connection.js';
import type { Unsubscribe } from '../../../platform/pubsub/port.js';
import type { Platform } from '../../../platform/runtime.js';
import { enabledMailboxes } from './repo.js';
import { MailboxSession } from './session.js';

/** Announced by the table's trigger when what is polled changes (migration 202612071400). */
const CHANGED = 'mail_mailboxes.changed';
/** Read the list again this often anyway: a notice missed while LISTEN reconnected, a lock freed elsewhere. */
const RESYNC_MS = 30_000;

/**
 * Polls every enabled mailbox, each in its own session, in the process that runs jobs. A
 * mailbox is polled by one process at a time: its session runs only while this process holds
 * the mailbox's PostgreSQL advisory lock, on a connection of its own (a process that dies lets
 * go of its locks with it, and another takes over on its next look). A mailbox added, changed,
 * disabled or removed is picked up from the table's change notice, without a restart.
 */
export class MailboxPoller {
  private readonly sessions = new Map<string, { session: MailboxSession; version: number }>();
  private locks: pg.Client | undefined;
  private unsubscribe: Unsubscribe | undefined;
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly log: Logger;

  constructor(
    private readonly platform: Platform,
    private readonly pollSeconds = platform.config.MAIL_POLL_SECONDS,
  ) {
    this.log = platform.logger.child({ component: 'imap' });
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.platform.databaseEvents.subscribe(CHANGED, () => void this.sync());
    this.timer = setInterval(() => void this.sync(), RESYNC_MS);
    this.timer.unref();
    await this.sync();
  }

  /** The mailboxes this process polls now (their ids). */
  polling(): string[] {
    return [...this.sessions.keys()];
  }

  /** Brings the sessions in line with the table; runs one at a time. */
  sync(): Promise<void> {
    return this.inTurn(() => this.syncOnce());
  }

  private inTurn(work: () => Promise<void>): Promise<void> {
    this.syncing = this.syncing.then(work).catch((error: unknown) => {
      this.log.error({ err: error }, 'mailbox list not read');
    });
    return this.syncing;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.unsubscribe?.();
    await this.syncing;
    await Promise.all([...this.sessions.values()].map(({ session }) => session.stop()));
    this.sessions.clear();
    await this.locks?.end().catch(() => {});
    this.locks = undefined;
  }

  private async syncOnce(): Promise<void> {
    if (this.stopped) return;
    const wanted = new Map((await enabledMailboxes(this.platform.database.system)).map((r) => [r.id, r]));
    for (const [id, { session, version }] of this.sessions) {
      const row = wanted.get(id);
      if (row && row.updated_at.getTime() === version) continue;
      this.sessions.delete(id);
      await session.stop();
      await this.unlock(id);
    }
    for (const row of wanted.values()) {
      if (this.sessions.has(row.id) || this.stopped) continue;
      if (!(await this.tryLock(row.id))) continue;
      const session = new MailboxSession(this.platform, row, this.pollSeconds * 1000, this.log);
      this.sessions.set(row.id, { session, version: row.updated_at.getTime() });
      session.start();
    }
    if (wanted.size === 0 && this.sessions.size === 0) await this.closeLocks();
  }

  /** The connection that holds this process's mailbox locks, opened when first needed. */
  private async lockConnection(): Promise<pg.Client> {
    if (this.locks) return this.locks;
    const { connectionString, ssl } = poolConfig(this.platform.database.url, this.platform.config);
    const client = new pg.Client({ connectionString, ssl, application_name: 'switchboard-mailboxes' });
    client.on('error', (error) => {
      // The locks went with the connection: stop polling until they are taken again.
      this.log.warn({ err: error }, 'mailbox lock connection lost');
      if (this.locks === client) this.locks = undefined;
      void this.inTurn(() => this.dropAll());
      void this.sync();
    });
    await client.connect();
    this.locks = client;
    return client;
  }

  private async dropAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map(({ session }) => session.stop()));
  }

  private async tryLock(id: string): Promise<boolean> {
    const client = await this.lockConnection();
    const { rows } = await client.query<{ locked: boolean }>(
      `select pg_try_advisory_lock(hashtextextended('switchboard:mail-mailbox:' || $1, 0)) as locked`,
      [id],
    );
    return rows[0]?.locked === true;
  }

  private async unlock(id: string): Promise<void> {
    await this.locks
      ?.query(`select pg_advisory_unlock(hashtextextended('switchboard:mail-mailbox:' || $1, 0))`, [id])
      .catch(() => {});
  }

  private async closeLocks(): Promise<void> {
    const client = this.locks;
    this.locks = undefined;
    await client?.end().catch(() => {});
  }
}
