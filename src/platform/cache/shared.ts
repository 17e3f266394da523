export interface CacheMetrics {
  hit(): void;
  miss(): void;
}

import type { Cache } from './port.js';

/** Concurrent callers for one key share one in-flight load instead of all hitting the database. */
export class SingleFlight {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running as Promise<T>;
    const promise = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  /** Read-through: the cached value, or `load` once (however many callers wait), stored with its TTL. */
  loadThrough<T>(
    cache: Pick<Cache, 'get' | 'set'>,
    key: string,
    ttlSeconds: number,
    load: () => Promise<T>,
  ): Promise<T> {
    return this.run(key, async () => {
      const cached = await cache.get<T>(key);
      if (cached !== undefined) return cached;
      const value = await load();
      await cache.set(key, value, ttlSeconds);
      return value;
    });
  }
}
