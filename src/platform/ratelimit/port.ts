export interface RateLimitResult {
  allowed: boolean;
  /** Hits counted in the current window, including this one. */
  count: number;
  remaining: number;
  /** Seconds until the window resets (for `Retry-After`). */
  resetSeconds: number;
}

/** Counts hits per key in a time window; every node sharing one store sees the same counts. */
export interface RateLimiter {
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult>;
  /** Reads the count without adding a hit. */
  peek(key: string): Promise<number>;
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}
