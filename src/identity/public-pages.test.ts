import { describe, expect, it } from 'vitest';
import { isListablePath } from './public-pages.js';

describe('isListablePath', () => {
  it('takes plain absolute paths', () => {
    for (const path of ['/', '/help', '/kb/printer-offline', '/blog/2026/12/'])
      expect(isListablePath(path), path).toBe(true);
  });

  it('refuses what a sitemap must never carry: queries, fragments, hosts, escapes', () => {
    for (const path of [
      '',
      'help',
      '/help?token=abc',
      '/help#top',
      '//evil.example/x',
      '/a/../admin',
      '/a//b',
    ])
      expect(isListablePath(path), path).toBe(false);
  });
});
