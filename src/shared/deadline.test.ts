import { describe, expect, it } from 'vitest';
import { DeadlinePassed, within } from './deadline.js';

describe('within', () => {
  it('answers what the work answers, or its error, when it settles in time', async () => {
    await expect(within(Promise.resolve(7), 1000, 'late')).resolves.toBe(7);
    await expect(within(Promise.reject(new Error('broke')), 1000, 'late')).rejects.toThrow('broke');
  });

  it('rejects with DeadlinePassed and the message when the work takes longer', async () => {
    const slow = new Promise((resolve) => setTimeout(resolve, 200, 'done'));
    const error = await within(slow, 20, 'took too long').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlinePassed);
    expect((error as Error).message).toBe('took too long');
  });
});
