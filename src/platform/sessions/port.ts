export interface SessionRecord {
  /** SHA-256 of the session id; the id itself is never stored. */
  idHash: string;
  userId: string;
  data: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  /** Absolute end of life; the idle timeout is enforced by the caller from `lastSeenAt`. */
  expiresAt: Date;
}

/** Server-side session storage. Expired records are never returned. */
export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  get(idHash: string): Promise<SessionRecord | undefined>;
  /** Records activity; optionally replaces `data`. */
  touch(idHash: string, lastSeenAt: Date, data?: Record<string, unknown>): Promise<void>;
  delete(idHash: string): Promise<void>;
  /** Live sessions of a user, oldest first. */
  listByUser(userId: string): Promise<SessionRecord[]>;
  /** Ends every session of a user except `keepIdHash`; returns how many ended. */
  deleteByUser(userId: string, keepIdHash?: string): Promise<number>;
  close(): Promise<void>;
}
