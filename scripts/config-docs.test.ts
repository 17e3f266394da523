import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { settingDescriptions } from '../src/config.js';
import { renderReadme } from './config-docs.js';

describe('README configuration table', () => {
  it('matches the config schema (run `npm run docs:config` after changing a setting)', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(renderReadme(readme)).toBe(readme);
    for (const { key } of settingDescriptions()) expect(readme).toContain(`\`${key}\``);
  });
});
