import { createHash, randomBytes } from 'node:crypto';
import type { SessionRecord, SessionStore } from '../platform/sessions/port.js';
import type { RequestMeta } from './auth-events.js';

export interface SessionSettings {
  absoluteHours: number;
  idleMinutes: number;
  limit: number;
}

export interface StartedSession {
  /** The secret that goes into the cookie; only its hash is stored. */
  id: string;
  record: SessionRecord;
  /** Older sessions ended because the user is over the limit. */
  evicted: SessionRecord[];
}

/** How often activity is written back; reading a session on every request must not write every time. */
const TOUCH_INTERVAL_MS = 60_000;
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export const hashSessionId = (id: string): string => createHash('sha256').update(id).digest('base64url');

/**
 * A new session with a fresh 256-bit id (ASVS 5.0 V7.2.3) and its own CSRF token. Called at every
 * sign-in and privilege change, so an id planted before login is never promoted (session fixation).
 */
export async function startSession(
  store: SessionStore,
  settings: SessionSettings,
  userId: string,
  meta: RequestMeta,
  data: Record<string, unknown> = {},
): Promise<StartedSession> {
  const id = randomBytes(32).toString('base64url');
  const now = new Date();
  const record: SessionRecord = {
    idHash: hashSessionId(id),
    userId,
    data: { csrf: randomBytes(32).toString('base64url'), authenticatedAt: now.toISOString(), ...data },
    ip: meta.ip,
    userAgent: meta.userAgent,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + settings.absoluteHours * 3600_000),
  };
  await store.create(record);
  const live = await store.listByUser(userId);
  const evicted = live
    .filter((s) => s.idHash !== record.idHash)
    .slice(0, Math.max(0, live.length - settings.limit));
  for (const old of evicted) await store.delete(old.idHash);
  return { id, record, evicted };
}

/** The live session for a cookie value, or undefined; ends it when idle too long. */
export async function resolveSession(
  store: SessionStore,
  settings: SessionSettings,
  id: string,
): Promise<SessionRecord | undefined> {
  if (!SESSION_ID.test(id)) return undefined;
  const record = await store.get(hashSessionId(id));
  if (!record) return undefined;
  const now = Date.now();
  const idleFor = now - record.lastSeenAt.getTime();
  if (idleFor > settings.idleMinutes * 60_000) {
    await store.delete(record.idHash);
    return undefined;
  }
  if (idleFor > TOUCH_INTERVAL_MS) {
    record.lastSeenAt = new Date(now);
    await store.touch(record.idHash, record.lastSeenAt);
  }
  return record;
}
