import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.js';
import { rememberProcessSecret } from './process-secret.js';

const FILE_NAME = 'secret-key';

/**
 * Returns the config with SECRET_KEY filled in. When unset, the key is read from DATA_DIR, or created
 * there on first run: 48 random bytes (384 bits, above the 256-bit floor of NIST SP 800-131A for
 * HMAC keys), file mode 0600. `wx` makes two processes racing on first start agree on one key.
 */
export async function resolveSecretKey(config: Config): Promise<Config & { SECRET_KEY: string }> {
  if (config.SECRET_KEY) {
    rememberProcessSecret(config.SECRET_KEY);
    return config as Config & { SECRET_KEY: string };
  }
  const file = path.join(config.DATA_DIR, FILE_NAME);
  await mkdir(config.DATA_DIR, { recursive: true });
  try {
    await writeFile(file, `${randomBytes(48).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = (await readFile(file, 'utf8')).trim();
  if (key.length < 32)
    throw new Error(`${file} holds a key shorter than 32 characters; delete it or set SECRET_KEY`);
  rememberProcessSecret(key);
  return Object.freeze({ ...config, SECRET_KEY: key });
}
