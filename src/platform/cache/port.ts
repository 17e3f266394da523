/** Key-value cache with per-entry TTL. Values must survive a JSON round trip. */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Returns the cached value, or loads, stores and returns it. */
  getOrSet<T>(key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
