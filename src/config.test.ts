import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, maskedConfig, trustProxyOption } from './config.js';
import { resolveSecretKey } from './platform/secrets/secret-key.js';

describe('loadConfig', () => {
  it('applies defaults and derives PUBLIC_URL from PORT', () => {
    const config = loadConfig({ PORT: '4100' });
    expect(config.PORT).toBe(4100);
    expect(config.PUBLIC_URL).toBe('http://localhost:4100');
    expect(config.WORKER_MODE).toBe('inline');
    expect(config.MIGRATE_ON_START).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('converts booleans and integers from strings, and treats empty strings as unset', () => {
    const config = loadConfig({ MIGRATE_ON_START: 'false', DATABASE_POOL_MAX: '25', REDIS_URL: '' });
    expect(config.MIGRATE_ON_START).toBe(false);
    expect(config.DATABASE_POOL_MAX).toBe(25);
    expect(config.REDIS_URL).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, /^Invalid setting PORT="eighty": /],
    [{ PORT: '70000' }, /^Invalid setting PORT="70000": /],
    [
      { WORKER_MODE: 'sometimes' },
      /^Invalid setting WORKER_MODE="sometimes": must be one of inline, separate$/,
    ],
    [{ DATABASE_URL: 'mysql://x' }, /^Invalid setting DATABASE_URL=\(hidden\): /],
    [{ SECRET_KEY: 'short' }, /^Invalid setting SECRET_KEY=\(hidden\): /],
    [{ TRUST_PROXY: 'yes please' }, /^Invalid setting TRUST_PROXY="yes please": /],
    [{ PUBLIC_URL: 'not a url' }, /^Invalid setting PUBLIC_URL="not a url": /],
  ])('rejects %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('parses TRUST_PROXY forms', () => {
    expect(trustProxyOption(loadConfig({ TRUST_PROXY: 'true' }))).toBe(true);
    expect(trustProxyOption(loadConfig({ TRUST_PROXY: '2' }))).toBe(2);
    expect(trustProxyOption(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }))).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ]);
  });

  it('masks secrets and URL passwords when printed', () => {
    const masked = maskedConfig(
      loadConfig({ DATABASE_URL: 'postgres://app:hunter2@db:5432/sb', SECRET_KEY: 'x'.repeat(40) }),
    );
    expect(masked.DATABASE_URL).toBe('postgres://app:****@db:5432/sb');
    expect(masked.SECRET_KEY).toBe('****');
    expect(JSON.stringify(masked)).not.toContain('hunter2');
  });
});

describe('resolveSecretKey', () => {
  it('generates a key into DATA_DIR on first run (mode 0600) and reuses it afterwards', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sb-secret-'));
    const config = { ...loadConfig({ DATA_DIR: dir }), DATA_DIR: dir };
    const first = await resolveSecretKey(config);
    const second = await resolveSecretKey(config);
    expect(first.SECRET_KEY.length).toBeGreaterThanOrEqual(64);
    expect(second.SECRET_KEY).toBe(first.SECRET_KEY);
    expect((await readFile(path.join(dir, 'secret-key'), 'utf8')).trim()).toBe(first.SECRET_KEY);
    expect((await stat(path.join(dir, 'secret-key'))).mode & 0o777).toBe(0o600);
  });

  it('uses SECRET_KEY when given and writes nothing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sb-secret-'));
    const key = 'k'.repeat(48);
    const resolved = await resolveSecretKey({ ...loadConfig({ SECRET_KEY: key }), DATA_DIR: dir });
    expect(resolved.SECRET_KEY).toBe(key);
    await expect(stat(path.join(dir, 'secret-key'))).rejects.toThrow();
  });
});
