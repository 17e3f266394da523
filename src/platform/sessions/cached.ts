import { LocalCopies } from '../cache/local-copies.js';
import type { PubSub, Unsubscribe } from '../pubsub/port.js';
import type { SessionRecord, SessionStore } from './port.js';

const CHANNEL = 'sessions.changed';
const MAX_ENTRIES = 10_000;

/** What a node tells the others: drop this session, or every session of this user but one. */
type Change = { idHash: string } | { userId: string; keepIdHash?: string };

/**
 * Keeps recently read sessions in this process for `ttlSeconds`, so a burst of requests from one
 * browser (a page, its fragments, live reloads) reads its session once instead of once a request.
 * Every write goes through the store it wraps, drops the copy here at once and tells every other
 * node through pub/sub, so a sign-out or revocation holds here at once and elsewhere as soon as the
 * message arrives (milliseconds); the time-to-live only bounds how long a lost message could keep
 * a copy alive.
 * Callers get a copy: what they change (lastSeenAt, data) never leaks into the cache unsaved.
 */
export class CachedSessionStore implements SessionStore {
  private readonly copies: LocalCopies<SessionRecord>;
  private unsubscribe: Unsubscribe | undefined;

  constructor(
    private readonly inner: SessionStore,
    private readonly pubsub: PubSub,
    ttlSeconds: number,
  ) {
    this.copies = new LocalCopies({ ttlSeconds, max: MAX_ENTRIES });
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.pubsub.subscribe(CHANNEL, (message) => this.drop(message as Change));
  }

  create(session: SessionRecord): Promise<void> {
    return this.inner.create(session);
  }

  get(idHash: string): Promise<SessionRecord | undefined> {
    return this.copies.get(
      idHash,
      () => this.inner.get(idHash),
      (record) => record.expiresAt.getTime() > Date.now(),
    );
  }

  async touch(idHash: string, lastSeenAt: Date, data?: Record<string, unknown>): Promise<void> {
    await this.inner.touch(idHash, lastSeenAt, data);
    await this.changed({ idHash });
  }

  async delete(idHash: string): Promise<void> {
    await this.inner.delete(idHash);
    await this.changed({ idHash });
  }

  listByUser(userId: string): Promise<SessionRecord[]> {
    return this.inner.listByUser(userId);
  }

  async deleteByUser(userId: string, keepIdHash?: string): Promise<number> {
    const ended = await this.inner.deleteByUser(userId, keepIdHash);
    await this.changed({ userId, ...(keepIdHash ? { keepIdHash } : {}) });
    return ended;
  }

  async close(): Promise<void> {
    await this.unsubscribe?.();
    this.copies.clear();
    await this.inner.close();
  }

  /**
   * After the write: here at once, elsewhere as soon as the message arrives. The write is done
   * whatever pub/sub says, so a failed publish does not fail it; the time-to-live covers that node.
   */
  private async changed(change: Change): Promise<void> {
    this.drop(change);
    await this.pubsub.publish(CHANNEL, change).catch(() => undefined);
  }

  private drop(change: Change): void {
    if ('idHash' in change) this.copies.drop(change.idHash);
    else
      this.copies.dropWhere(
        (idHash, record) => record.userId === change.userId && idHash !== change.keepIdHash,
      );
  }
}
