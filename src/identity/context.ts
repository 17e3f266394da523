import type { Kysely, Transaction } from 'kysely';
import type { Config } from '../config.js';
import type { Cache } from '../platform/cache/port.js';
import type { DB } from '../platform/db/schema.js';
import type { MailQueue } from '../platform/mail/index.js';
import type { RateLimiter } from '../platform/ratelimit/port.js';
import type { SessionStore } from '../platform/sessions/port.js';
import type { SmsQueue } from '../platform/sms/index.js';
import type { AuthEventInput, RequestMeta } from './auth-events.js';

export interface AuthDeps {
  db: Kysely<DB>;
  config: Config;
  rateLimiter: RateLimiter;
  cache: Cache;
  sessions: SessionStore;
  /** Mail is queued in the caller's transaction, so it goes out only if the change commits. */
  mail: MailQueue;
  sms: SmsQueue;
}

/** A mutating call's context: the transaction opened at the edge and where the request came from. */
export interface AuthContext {
  trx: Transaction<DB>;
  meta: RequestMeta;
  /**
   * Failure events (wrong password, bad code). The use case then throws, which rolls `trx` back,
   * so these are written afterwards in a transaction of their own: see `inTransaction`.
   */
  failures: AuthEventInput[];
  /**
   * Work that must commit even though the use case then refuses (a fresh verification link for
   * a pending account that signed in): `inTransaction` runs it after the rollback, like `failures`.
   */
  afterRefusal?: ((trx: Transaction<DB>) => Promise<void>)[];
}

export const link = (config: Config, path: string, token: string): string =>
  `${config.PUBLIC_URL}${path}?token=${encodeURIComponent(token)}`;
