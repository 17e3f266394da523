import { LRUCache } from 'lru-cache';
import type { Cache } from './port.js';
import { type CacheMetrics, SingleFlight } from './shared.js';

/** In-process LRU with per-entry TTL: the cache when no REDIS_URL is set (one node). */
export class MemoryCache implements Cache {
  private readonly entries: LRUCache<string, { value: unknown }>;
  private readonly flights = new SingleFlight();

  constructor(
    maxEntries: number,
    private readonly metrics: CacheMetrics,
  ) {
    this.entries = new LRUCache({ max: maxEntries, ttlAutopurge: false });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const entry = this.entries.get(key);
    if (entry) this.metrics.hit();
    else this.metrics.miss();
    // A structured clone, so a caller mutating its copy cannot change the cached value (as with Redis).
    return entry ? (structuredClone(entry.value) as T) : undefined;
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value: structuredClone(value) }, { ttl: ttlSeconds * 1000 });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  getOrSet<T>(key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    return this.flights.loadThrough(this, key, ttlSeconds, load);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
