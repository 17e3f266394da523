import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newStorageKey } from './index.js';
import { LocalDiskStorage } from './local-disk.js';

let root: string;
let storage: LocalDiskStorage;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'sb-storage-'));
  storage = new LocalDiskStorage(root);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('local disk storage', () => {
  it('stores, reads, lists and deletes by key, leaving no temporary file behind', async () => {
    const key = newStorageKey();
    await storage.put(key, Buffer.from('hello'));
    expect(await text(await storage.get(key))).toBe('hello');
    const listed = [];
    for await (const file of storage.list()) listed.push(file.key);
    expect(listed).toEqual([key]);
    expect(await readdir(path.join(root, '.tmp'))).toEqual([]);
    await storage.delete(key);
    await storage.delete(key);
    await expect(storage.get(key)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('accepts only keys it made, never a path', async () => {
    for (const key of ['../secret-key', 'ab/../../x', '/etc/passwd', 'report.pdf'])
      await expect(storage.put(key, Buffer.from('x'))).rejects.toThrow(/not a storage key/);
  });
});
