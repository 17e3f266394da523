import type { Redis } from 'ioredis';
import type { SessionRecord, SessionStore } from './port.js';

type Stored = Omit<SessionRecord, 'createdAt' | 'lastSeenAt' | 'expiresAt'> & {
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
};

const toStored = (s: SessionRecord): Stored => ({
  ...s,
  createdAt: s.createdAt.getTime(),
  lastSeenAt: s.lastSeenAt.getTime(),
  expiresAt: s.expiresAt.getTime(),
});
const fromStored = (s: Stored): SessionRecord => ({
  ...s,
  createdAt: new Date(s.createdAt),
  lastSeenAt: new Date(s.lastSeenAt),
  expiresAt: new Date(s.expiresAt),
});

/**
 * Sessions in Redis: one JSON value per session that Redis expires at `expiresAt`, and a sorted set
 * per user (score = creation time) to list and end a user's sessions. Set members whose session
 * has expired are removed lazily when the set is read.
 */
export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(idHash: string): string {
    return `${this.prefix}sess:${idHash}`;
  }

  private userKey(userId: string): string {
    return `${this.prefix}sess-user:${userId}`;
  }

  async create(session: SessionRecord): Promise<void> {
    const ttl = session.expiresAt.getTime() - Date.now();
    if (ttl <= 0) return;
    await this.redis
      .multi()
      .set(this.key(session.idHash), JSON.stringify(toStored(session)), 'PX', ttl)
      .zadd(this.userKey(session.userId), session.createdAt.getTime(), session.idHash)
      .pexpire(this.userKey(session.userId), ttl)
      .exec();
  }

  async get(idHash: string): Promise<SessionRecord | undefined> {
    const raw = await this.redis.get(this.key(idHash));
    if (!raw) return undefined;
    const session = fromStored(JSON.parse(raw) as Stored);
    return session.expiresAt.getTime() > Date.now() ? session : undefined;
  }

  async touch(idHash: string, lastSeenAt: Date, data?: Record<string, unknown>): Promise<void> {
    const current = await this.get(idHash);
    if (!current) return;
    const updated = { ...current, lastSeenAt, ...(data ? { data } : {}) };
    // KEEPTTL: activity never extends the absolute lifetime.
    await this.redis.set(this.key(idHash), JSON.stringify(toStored(updated)), 'KEEPTTL', 'XX');
  }

  async delete(idHash: string): Promise<void> {
    const current = await this.get(idHash);
    await this.redis.del(this.key(idHash));
    if (current) await this.redis.zrem(this.userKey(current.userId), idHash);
  }

  async listByUser(userId: string): Promise<SessionRecord[]> {
    const ids = await this.redis.zrange(this.userKey(userId), 0, -1);
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map((id) => this.key(id)));
    const stale = ids.filter((_, i) => values[i] === null);
    if (stale.length > 0) await this.redis.zrem(this.userKey(userId), ...stale);
    return values
      .filter((v): v is string => v !== null)
      .map((v) => fromStored(JSON.parse(v) as Stored))
      .filter((s) => s.expiresAt.getTime() > Date.now());
  }

  async deleteByUser(userId: string, keepIdHash?: string): Promise<number> {
    const sessions = (await this.listByUser(userId)).filter((s) => s.idHash !== keepIdHash);
    if (sessions.length === 0) return 0;
    await this.redis
      .multi()
      .del(...sessions.map((s) => this.key(s.idHash)))
      .zrem(this.userKey(userId), ...sessions.map((s) => s.idHash))
      .exec();
    return sessions.length;
  }

  async close(): Promise<void> {}
}
