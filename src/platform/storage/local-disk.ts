import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../../shared/errors.js';
import { type FileStorage, STORAGE_KEY, type StoredFile } from './port.js';

const TMP = '.tmp';

/**
 * Files under `root` (DATA_DIR/files). A write goes to a temporary name in the same file system,
 * is flushed, then renamed into place: rename(2) is atomic, so a crash leaves a stray temp file,
 * never half of an attachment under its key.
 */
export class LocalDiskStorage implements FileStorage {
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    if (!STORAGE_KEY.test(key)) throw new Error(`not a storage key: ${key}`);
    return path.join(this.root, key);
  }

  async put(key: string, data: Buffer): Promise<void> {
    const target = this.pathOf(key);
    const tmpDir = path.join(this.root, TMP);
    await mkdir(tmpDir, { recursive: true, mode: 0o700 });
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    const tmp = path.join(tmpDir, randomUUID());
    const file = await open(tmp, 'wx', 0o600);
    try {
      try {
        await file.writeFile(data);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(tmp, target);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    try {
      await stat(file);
    } catch {
      throw new AppError('not_found', 'There is no such file.');
    }
    return createReadStream(file);
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async *list(): AsyncIterable<StoredFile> {
    const folders = await readdir(this.root).catch(() => [] as string[]);
    for (const folder of folders) {
      if (!/^[0-9a-f]{2}$/.test(folder)) continue;
      for (const name of await readdir(path.join(this.root, folder)).catch(() => [] as string[])) {
        const key = `${folder}/${name}`;
        if (!STORAGE_KEY.test(key)) continue;
        const info = await stat(path.join(this.root, key)).catch(() => undefined);
        if (info?.isFile()) yield { key, modifiedAt: info.mtime };
      }
    }
  }
}
