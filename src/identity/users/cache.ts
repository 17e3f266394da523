import { LocalCopies } from '../../platform/cache/local-copies.js';
import type { PubSub, Unsubscribe } from '../../platform/pubsub/port.js';
import type { UserSummary } from './repo.js';

/** Sent by the users_changed trigger on commit (migration 202612061100_user_change_notices). */
const CHANNEL = 'users.changed';
const MAX_ENTRIES = 10_000;

/** Every user cache of this process, so an update made here drops its copies before it returns. */
const inThisProcess = new Set<UserCache>();

/**
 * The user rows the access check reads on every permission-checked request, kept for a few
 * seconds. A committed change reaches every node as a database notice (so roles, status and the
 * rest apply from the next request); updateUser also drops this process's copies at once, so the
 * request after a change made here never waits for the notice. `ttlSeconds` 0 keeps nothing.
 */
export class UserCache {
  private readonly copies: LocalCopies<UserSummary>;
  private unsubscribe: Unsubscribe | undefined;

  constructor(
    private readonly databaseEvents: PubSub,
    ttlSeconds: number,
  ) {
    this.copies = new LocalCopies({ ttlSeconds, max: MAX_ENTRIES });
  }

  async start(): Promise<void> {
    inThisProcess.add(this);
    this.unsubscribe = await this.databaseEvents.subscribe(CHANNEL, (id) => {
      if (typeof id === 'string') this.copies.drop(id);
    });
  }

  get(id: string, load: () => Promise<UserSummary | undefined>): Promise<UserSummary | undefined> {
    return this.copies.get(id, load);
  }

  async stop(): Promise<void> {
    inThisProcess.delete(this);
    await this.unsubscribe?.();
    this.copies.clear();
  }

  static dropEverywhereHere(id: string): void {
    for (const cache of inThisProcess) cache.copies.drop(id);
  }
}
