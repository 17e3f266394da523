import { openSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger, REDACTED_PATHS } from '../../src/platform/logging/logger.js';
import { buildTestApp, type TestApp } from '../support/app.js';

/** The real app with its logger writing into an array, to read what reaches the log sink. */
const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});

let t: TestApp;
let app: Awaited<ReturnType<typeof buildApp>>;
beforeAll(async () => {
  t = await buildTestApp();
  const logger = pino({ level: 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
  app = await buildApp({ ...t.platform, logger });
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('request logging', () => {
  it('writes one line per request with its request id, and nothing for probes', async () => {
    lines.length = 0;
    await app.inject({ method: 'GET', url: '/api/v1/instance', headers: { 'x-request-id': 'trace-me-1' } });
    await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'probe-1' } });
    const mine = lines.filter((l) => l.requestId === 'trace-me-1');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ msg: 'request', method: 'GET', url: '/api/v1/instance', status: 200 });
    expect(lines.filter((l) => l.requestId === 'probe-1')).toEqual([]);
  });

  it('never writes authorization headers, cookies or passwords', () => {
    lines.length = 0;
    const logger = pino({ level: 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    logger.info(
      {
        req: { headers: { authorization: 'Bearer s3cret', cookie: 'sid=s3cret' } },
        body: { password: 's3cret' },
      },
      'x',
    );
    expect(JSON.stringify(lines)).not.toContain('s3cret');
  });
});

describe('the JSON log', () => {
  it('writes lines in batches, a warning at once after the lines before it, and the rest within 250 ms', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'sb-log-')), 'out.log');
    const config = loadConfig({ LOG_LEVEL: 'info', LOG_FORMAT: 'json', NODE_ENV: 'production' });
    const logger = createLogger(config, openSync(file, 'w'));
    const written = () =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line).msg);
    logger.info('first');
    expect(written()).toEqual([]);
    logger.warn('second');
    expect(written()).toEqual(['first', 'second']);
    logger.info('third');
    expect(written()).toEqual(['first', 'second']);
    await expect.poll(written, { timeout: 2000, interval: 50 }).toEqual(['first', 'second', 'third']);
  });
});
