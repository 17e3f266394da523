import type { Kysely } from 'kysely';
import type { Cache } from '../platform/cache/port.js';
import type { DB } from '../platform/db/schema.js';
import type { PubSub, Unsubscribe } from '../platform/pubsub/port.js';
import type { RoleGraph } from './role-graph.js';
import { loadRoleGraph } from './role-graph-repo.js';

const KEY = 'rbac:role-graph';
const CHANNEL = 'rbac.changed';
// A safety net only: every change invalidates at once (below), so this bounds a lost message.
const TTL_SECONDS = 300;

/**
 * The role graph through the cache port. A change deletes the cached copy and tells every node
 * (pub/sub), so with an in-process cache on several nodes each drops its own copy too: a role or
 * permission change applies from the very next request, everywhere, without a restart.
 */
export class RoleGraphCache {
  private unsubscribe: Unsubscribe | undefined;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly cache: Cache,
    private readonly pubsub: PubSub,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.pubsub.subscribe(CHANNEL, () => {
      void this.cache.delete(KEY);
    });
  }

  get(): Promise<RoleGraph> {
    return this.cache.getOrSet(KEY, TTL_SECONDS, () => loadRoleGraph(this.db));
  }

  /** Call after the change has committed, so no node reloads the old graph. */
  async invalidate(): Promise<void> {
    await this.cache.delete(KEY);
    await this.pubsub.publish(CHANNEL, { at: Date.now() });
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
  }
}
