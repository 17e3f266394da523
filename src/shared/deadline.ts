/** What `within` rejects with when the work outlasts its time. */
export class DeadlinePassed extends Error {}

/**
 * Settles as `work` does, or rejects with DeadlinePassed(`message`) after `ms` if `work` has not
 * settled by then. `work` itself goes on (a promise cannot be stopped); the timer is cleared as
 * soon as the race is decided and never keeps the process alive.
 */
export async function within<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlinePassed(message)), ms).unref();
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
