import type { Readable } from 'node:stream';

/** One stored file, as a listing sees it. */
export interface StoredFile {
  key: string;
  modifiedAt: Date;
}

/**
 * Where uploaded files live. Keys are chosen by Switchboard (`newStorageKey`), never derived from
 * a name a user typed, so no upload can reach another file's path. The local disk is the adapter
 * today; an object store (S3) can implement the same port.
 */
export interface FileStorage {
  /** Stores `data` under `key` atomically: readers see the whole file or none of it. */
  put(key: string, data: Buffer): Promise<void>;
  /** The file's content; `not_found` AppError when there is none. */
  get(key: string): Promise<Readable>;
  /** Removes the file; removing one that is not there is not an error. */
  delete(key: string): Promise<void>;
  /** Every stored file (to sweep files whose database row never committed). */
  list(): AsyncIterable<StoredFile>;
}

/** `ab/<uuid>`: random, and spread over 256 folders so no directory grows huge. */
export const STORAGE_KEY = /^[0-9a-f]{2}\/[0-9a-f-]{36}$/;
