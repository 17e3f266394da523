import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

/** The test Redis URL, or '' when none is reachable outside CI (see redis-server.ts). */
export const testRedisUrl = (): string => inject('redisUrl');

/** A key prefix unique to one test, so parallel files never see each other's keys. */
export const testRedisPrefix = (): string => `sbtest:${randomBytes(4).toString('hex')}:`;
