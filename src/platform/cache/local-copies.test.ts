import { describe, expect, it } from 'vitest';
import { LocalCopies } from './local-copies.js';

const deferred = <T>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

describe('LocalCopies', () => {
  it('reads once, then serves clones that callers cannot change', async () => {
    const copies = new LocalCopies<{ n: number; data: { role: string } }>({ ttlSeconds: 60, max: 10 });
    let loads = 0;
    const load = async () => ({ n: ++loads, data: { role: 'agent' } });
    const first = await copies.get('a', load);
    first!.data.role = 'admin';
    const second = await copies.get('a', load);
    expect(loads).toBe(1);
    expect(second).toEqual({ n: 1, data: { role: 'agent' } });
    expect(second).not.toBe(first);
  });

  it('reads again after a drop, after the time-to-live, and when the copy is no longer fresh', async () => {
    const copies = new LocalCopies<{ n: number }>({ ttlSeconds: 0.2, max: 10 });
    let loads = 0;
    const load = async () => ({ n: ++loads });
    await copies.get('a', load);
    copies.drop('a');
    expect(await copies.get('a', load)).toEqual({ n: 2 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await copies.get('a', load)).toEqual({ n: 3 });
    expect(await copies.get('a', load, (v) => v.n > 3)).toEqual({ n: 4 });
    copies.dropWhere((key) => key === 'a');
    expect(await copies.get('a', load)).toEqual({ n: 5 });
  });

  it('does not keep a read that a drop overtook, nor nothing', async () => {
    const copies = new LocalCopies<{ v: string }>({ ttlSeconds: 60, max: 10 });
    const slow = deferred<{ v: string }>();
    const racing = copies.get('s', () => slow.promise);
    // The row changes (and is dropped) while the read above is still on its way with the old row.
    copies.drop('s');
    slow.resolve({ v: 'old' });
    expect(await racing).toEqual({ v: 'old' });
    expect(await copies.get('s', async () => ({ v: 'new' }))).toEqual({ v: 'new' });

    let loads = 0;
    const missing = async () => {
      loads++;
      return undefined;
    };
    expect(await copies.get('gone', missing)).toBeUndefined();
    expect(await copies.get('gone', missing)).toBeUndefined();
    expect(loads).toBe(2);
  });
});

describe('LocalCopies, many asking at once', () => {
  it('reads once for everyone asking for one key at the same time, and again after a drop', async () => {
    const copies = new LocalCopies<{ n: number }>({ ttlSeconds: 60, max: 10 });
    let loads = 0;
    const slow = deferred<{ n: number }>();
    const load = () => {
      loads++;
      return slow.promise;
    };
    const together = [copies.get('k', load), copies.get('k', load), copies.get('k', load)];
    copies.drop('k');
    // Asked after the drop: must not be handed the read that started before it.
    const after = copies.get('k', async () => ({ n: 99 }));
    slow.resolve({ n: 1 });
    expect(await Promise.all(together)).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }]);
    expect(loads).toBe(1);
    expect(await after).toEqual({ n: 99 });
    expect(await copies.get('k', load)).toEqual({ n: 99 });
  });

  it('hands the same failure to everyone waiting, and keeps nothing', async () => {
    const copies = new LocalCopies<{ n: number }>({ ttlSeconds: 60, max: 10 });
    const failing = deferred<{ n: number }>();
    const load = () => failing.promise.then(() => Promise.reject(new Error('database down')));
    const both = [copies.get('k', load), copies.get('k', load)];
    failing.resolve({ n: 0 });
    for (const result of await Promise.allSettled(both)) expect(result.status).toBe('rejected');
    expect(await copies.get('k', async () => ({ n: 2 }))).toEqual({ n: 2 });
  });
});

describe('LocalCopies, shared', () => {
  it('hands everyone the one kept value, frozen, so nobody can change it for the others', async () => {
    const copies = new LocalCopies<{ items: { tags: string[] }[] }>({
      ttlSeconds: 60,
      max: 10,
      shared: true,
    });
    const first = await copies.get('k', async () => ({ items: [{ tags: ['vpn'] }] }));
    const second = await copies.get('k', async () => ({ items: [] }));
    expect(second).toBe(first);
    expect(() => first!.items[0]!.tags.push('changed')).toThrow(TypeError);
    expect(() => first!.items.pop()).toThrow(TypeError);
    expect(second).toEqual({ items: [{ tags: ['vpn'] }] });
  });
});

describe('LocalCopies, with a time-to-live of 0', () => {
  it('keeps nothing: every get reads', async () => {
    const copies = new LocalCopies<{ n: number }>({ ttlSeconds: 0, max: 10, shared: true });
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await copies.get('k', load)).toEqual({ n: 1 });
    expect(await copies.get('k', load)).toEqual({ n: 2 });
  });
});
