import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who the current database work is for, as row-level security sees it. `system` (jobs, the CLI,
 * sign-in before anyone is known) passes the policies; `user` sees that user's rows plus what the
 * listed permissions open up; `nobody` (work that named no actor) sees no row of a table under
 * row-level security, so a path that forgets to say who it acts for fails closed.
 */
export interface DbActor {
  context: 'system' | 'user' | 'nobody';
  userId?: string;
  permissions?: readonly string[];
  /**
   * Set for system work that reads only tables without row-level security (null) or only this
   * user's own rows: a connection stamped for the system or for that user, with any permissions,
   * returns the same rows, so the pool may hand one over without stamping it again.
   */
  ownRowsOf?: string | null;
}

export const SYSTEM_ACTOR: DbActor = Object.freeze({ context: 'system' });
const NOBODY: DbActor = Object.freeze({ context: 'nobody' });
const storage = new AsyncLocalStorage<DbActor>();

/** Runs `work` (and everything it awaits) as `actor`; the object may be filled in later by the caller. */
export const runAsDbActor = <T>(actor: DbActor, work: () => T): T => storage.run(actor, work);

/** Work outside any `runAs…` names nobody: it sees no row under row-level security. */
export const currentDbActor = (): DbActor => storage.getStore() ?? NOBODY;

/** Runs `work` as the system (jobs, the CLI, start-up checks): it passes every policy. */
export const runAsSystem = <T>(work: () => T): T => storage.run(SYSTEM_ACTOR, work);

/** Runs `work`, which reads no table under row-level security, on whatever connection is free. */
export const runUnprotected = <T>(work: () => T): T =>
  storage.run({ context: 'system', ownRowsOf: null }, work);

/** Runs `work`, which reads only `userId`'s own rows, as the system or as that user. */
export const runAsOwnRowsReader = <T>(userId: string, work: () => T): T =>
  storage.run({ context: 'system', ownRowsOf: userId }, work);
