import type { Platform } from '../platform/runtime.js';
import type { AuthDeps } from './context.js';

/** The auth feature's view of the platform: only the ports its use cases need. */
export function authDeps(platform: Platform): AuthDeps {
  const { database, config, rateLimiter, cache, sessions, mail, sms } = platform;
  return { db: database.db, config, rateLimiter, cache, sessions, mail, sms };
}
