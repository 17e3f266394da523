import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, trustProxyOption } from '../../src/config.js';

/** Issue 15, low item: trusting every proxy in production lets anyone choose their own address. */
describe('TRUST_PROXY in production', () => {
  it('refuses `true` at start with a message that asks for the proxies', () => {
    const load = () => loadConfig({ NODE_ENV: 'production', TRUST_PROXY: 'true' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/^Invalid setting TRUST_PROXY="true": .*addresses or CIDRs/);
  });

  it.each([
    ['10.0.0.0/8, 127.0.0.1', ['10.0.0.0/8', '127.0.0.1']],
    ['::1,fd00::/8', ['::1', 'fd00::/8']],
    ['1', 1],
    ['false', false],
  ] as const)('still takes %j', (value, parsed) => {
    expect(trustProxyOption(loadConfig({ NODE_ENV: 'production', TRUST_PROXY: value }))).toEqual(parsed);
  });

  it('keeps `true` for development and tests', () => {
    expect(trustProxyOption(loadConfig({ NODE_ENV: 'development', TRUST_PROXY: 'true' }))).toBe(true);
    expect(trustProxyOption(loadConfig({ NODE_ENV: 'test', TRUST_PROXY: 'true' }))).toBe(true);
  });
});
