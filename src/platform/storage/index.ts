import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { LocalDiskStorage } from './local-disk.js';
import type { FileStorage } from './port.js';

/** The storage adapter for these settings: the local disk under DATA_DIR/files. */
export const createStorage = (config: { DATA_DIR: string }): FileStorage =>
  new LocalDiskStorage(path.join(path.resolve(config.DATA_DIR), 'files'));

/** A fresh key for a new file; never derived from anything the uploader sent. */
export function newStorageKey(): string {
  const id = randomUUID();
  return `${id.slice(0, 2)}/${id}`;
}
