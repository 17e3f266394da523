import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'dotenv';
import { type Config, loadConfig } from './config.js';
import { resolveSecretKey } from './platform/secrets/secret-key.js';

/**
 * Reads `.env` (or `ENV_FILE`) under the real environment, validates it, and makes DATA_DIR absolute.
 * Real environment variables win over the file, as with every twelve-factor tool.
 */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const file = env.ENV_FILE ?? path.resolve('.env');
  const fromFile = existsSync(file) ? parse(readFileSync(file)) : {};
  return { ...fromFile, ...env };
}

export function bootConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config = loadConfig(readEnvironment(env));
  return Object.freeze({ ...config, DATA_DIR: path.resolve(config.DATA_DIR) });
}

/** Config plus a SECRET_KEY that exists (generated on first run); used by processes that sign things. */
export async function bootConfigWithSecret(
  env: NodeJS.ProcessEnv = process.env,
): Promise<Config & { SECRET_KEY: string }> {
  return resolveSecretKey(bootConfig(env));
}
