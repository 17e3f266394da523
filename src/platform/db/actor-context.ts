import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who the current database work is for, as row-level security sees it. `system` (jobs, the CLI,
 * sign-in before anyone is known) passes the policies; `user` sees that user's rows plus what the
 * listed permissions open up.
 */
export interface DbActor {
  context: 'system' | 'user';
  userId?: string;
  permissions?: readonly string[];
}

const SYSTEM: DbActor = Object.freeze({ context: 'system' });
const storage = new AsyncLocalStorage<DbActor>();

/** Runs `work` (and everything it awaits) as `actor`; the object may be filled in later by the caller. */
export const runAsDbActor = <T>(actor: DbActor, work: () => T): T => storage.run(actor, work);

export const currentDbActor = (): DbActor => storage.getStore() ?? SYSTEM;
