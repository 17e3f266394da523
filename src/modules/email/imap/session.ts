import type { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import type { Platform } from '../../../platform/runtime.js';
import { acceptMail } from '../inbound/accept.js';
import { trustedDmarcFailure } from './authentication-results.js';
import { describeImapError, ensureFolder, folderPath, imapClient } from './connection.js';
import { type MailboxRow, recordPoll } from './repo.js';
import { accessOf } from './service.js';

/** First wait after a failure, doubled up to the last: a provider that refuses a password is not hammered. */
export const BACKOFF_MS = { first: 5_000, max: 15 * 60_000 };

/**
 * IDLE is ended and the folder read again at least this often: below imapflow's five-minute socket
 * inactivity limit and RFC 2177's 29 minutes after which a server may drop an idle client.
 */
const IDLE_AT_MOST_MS = 4 * 60_000;

class Stopped extends Error {}

/**
 * One mailbox, polled while this process holds its lock: sign in, take every message in the
 * folder (stored with its job by acceptMail, and only then moved to the done folder, never
 * deleted), then wait for the server's IDLE notice or the poll interval, and again. Any failure
 * is written on the mailbox's row and retried after a growing pause.
 */
export class MailboxSession {
  private stopped = false;
  private client: ImapFlow | undefined;
  private dirty = true;
  private wake: (() => void) | undefined;
  private done: Promise<void> | undefined;
  /** Messages taken since the last record: a poll that fails half-way still counts what it took. */
  private counted = { taken: 0, duplicate: 0 };

  constructor(
    private readonly platform: Platform,
    readonly row: MailboxRow,
    private readonly pollMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.client?.close();
    await this.done;
  }

  private async run(): Promise<void> {
    let backoff = BACKOFF_MS.first;
    while (!this.stopped) {
      try {
        await this.connected(() => {
          backoff = BACKOFF_MS.first;
        });
      } catch (error) {
        if (this.stopped) break;
        const message = describeImapError(error, this.row);
        this.log.warn({ err: error, mailbox: this.row.name, retryMs: backoff }, 'mailbox poll failed');
        await this.record(message).catch(() => {});
        await this.pause(backoff);
        backoff = Math.min(backoff * 2, BACKOFF_MS.max);
      } finally {
        this.client?.close();
        this.client = undefined;
      }
    }
  }

  /** One connection's life: returns when stopped, throws on any failure. */
  private async connected(succeeded: () => void): Promise<void> {
    const access = accessOf(this.row, this.platform.config.SECRET_KEY!);
    const client = imapClient(access);
    this.client = client;
    const closed = new Promise<'closed'>((resolve) => client.once('close', () => resolve('closed')));
    client.on('exists', () => {
      this.dirty = true;
      this.wake?.();
    });
    await client.connect();
    const done = await ensureFolder(client, access.doneFolder);
    await client.mailboxOpen(folderPath(access.folder));
    const idles = client.capabilities.has('IDLE');
    while (!this.stopped) {
      if (this.dirty) {
        this.dirty = false;
        await this.record(await this.drain(client, done));
        succeeded();
      }
      const woken = new Promise<'woken'>((resolve) => {
        this.wake = () => resolve('woken');
      });
      // The next command ends IDLE; its promise settles then.
      if (idles) client.idle().catch(() => {});
      const wait = idles ? Math.min(this.pollMs, IDLE_AT_MOST_MS) : this.pollMs;
      const why = await Promise.race([woken, closed, this.sleep(wait)]);
      this.wake = undefined;
      if (why === 'closed' && !this.stopped) throw new Error('The server closed the connection');
      if (why === 'slept') this.dirty = true;
    }
    await client.logout().catch(() => {});
  }

  /** Takes every message in the open folder; a message is moved only once it is stored. */
  private async drain(client: ImapFlow, done: string) {
    const max = this.platform.config.INBOUND_MAX_BYTES;
    const tooLarge: number[] = [];
    const uids = (await client.search({ deleted: false }, { uid: true })) || [];
    for (const uid of uids) {
      if (this.stopped) throw new Stopped();
      const message = await client.fetchOne(String(uid), { size: true }, { uid: true });
      if (!message) continue;
      if ((message.size ?? 0) > max) {
        tooLarge.push(uid);
        continue;
      }
      const full = await client.fetchOne(String(uid), { source: true }, { uid: true });
      if (full === false || !full.source) continue;
      const stored = await acceptMail(this.platform, {
        raw: full.source,
        source: 'imap',
        authentication: trustedDmarcFailure(full.source, this.row.trusted_authserv_id),
      });
      if (stored.duplicate) this.counted.duplicate++;
      else this.counted.taken++;
      // Refused without an error (imapflow answers false): said on the row, not taken again and again.
      if (!(await client.messageMove(String(uid), done, { uid: true })))
        throw new Error(`The server did not move the message to ${done}`);
    }
    return tooLarge.length > 0
      ? `${tooLarge.length} message(s) larger than INBOUND_MAX_BYTES (${max} bytes) left in ${this.row.folder}`
      : null;
  }

  /** Writes how the poll went on the mailbox's row, with the messages taken since the last time. */
  private async record(error: string | null): Promise<void> {
    const counted = this.counted;
    this.counted = { taken: 0, duplicate: 0 };
    await recordPoll(this.platform.database.system, this.row.id, { error, ...counted });
  }

  private sleep(ms: number): Promise<'slept'> {
    return new Promise((resolve) => setTimeout(() => resolve('slept'), ms).unref());
  }

  /** Waits `ms`, or less when stopped. */
  private async pause(ms: number): Promise<void> {
    await Promise.race([
      this.sleep(ms),
      new Promise<void>((resolve) => {
        this.wake = resolve;
      }),
    ]);
    this.wake = undefined;
  }
}
