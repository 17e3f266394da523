import { LRUCache } from 'lru-cache';

/**
 * Copies of rows this process read recently, for a few seconds, dropped by whoever changes them.
 * A read that started before a drop is not kept: it may have seen the row as it was before the
 * change (without this, a sign-out racing a request could leave the old session cached). Every
 * caller gets its own clone, so changing what it got never changes the copy; with `shared`,
 * callers get the one kept value, frozen (lists of many rows, where a clone per request would
 * cost more than the read it saves). A time-to-live of 0 keeps nothing: every get reads.
 */
export class LocalCopies<V extends object> {
  /** None with a time-to-live of 0 (to lru-cache, a ttl of 0 would mean "for ever"). */
  private readonly entries: LRUCache<string, V> | undefined;
  private readonly shared: boolean;
  private drops = 0;
  private readonly loading = new Map<string, { drops: number; promise: Promise<V | undefined> }>();

  constructor(options: { ttlSeconds: number; max: number; shared?: boolean }) {
    if (options.ttlSeconds > 0)
      this.entries = new LRUCache({ max: options.max, ttl: options.ttlSeconds * 1000 });
    this.shared = options.shared ?? false;
  }

  /** The kept copy if `fresh` says it still is, else what `load` reads (kept unless undefined). */
  async get(key: string, load: () => Promise<V | undefined>, fresh: (value: V) => boolean = () => true) {
    if (!this.entries) return load();
    let value = this.entries.get(key);
    if (value && !fresh(value)) {
      this.entries.delete(key);
      value = undefined;
    }
    if (!value) {
      value = await this.loadOnce(key, load);
      if (!value) return undefined;
    }
    return this.shared ? value : structuredClone(value);
  }

  /**
   * One read for everyone who asks for the same key at once (the browsers that reload one list
   * after a change), unless a drop came between: a later asker never gets a read older than it.
   */
  private async loadOnce(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const drops = this.drops;
    const pending = this.loading.get(key);
    if (pending?.drops === drops) return pending.promise;
    const promise = load();
    this.loading.set(key, { drops, promise });
    try {
      const value = await promise;
      if (value && this.shared) deepFreeze(value);
      if (value && drops === this.drops) this.entries?.set(key, value);
      return value;
    } finally {
      if (this.loading.get(key)?.promise === promise) this.loading.delete(key);
    }
  }

  drop(key: string): void {
    this.drops++;
    this.entries?.delete(key);
  }

  dropWhere(matches: (key: string, value: V) => boolean): void {
    this.drops++;
    const gone = [...(this.entries?.entries() ?? [])].filter(([key, value]) => matches(key, value));
    for (const [key] of gone) this.entries?.delete(key);
  }

  clear(): void {
    this.drops++;
    this.entries?.clear();
  }
}

/** Objects and arrays all the way down (a Date's time cannot be frozen: callers never set it). */
function deepFreeze(value: object): void {
  Object.freeze(value);
  for (const inner of Object.values(value))
    if (typeof inner === 'object' && inner !== null && !Object.isFrozen(inner)) deepFreeze(inner);
}
