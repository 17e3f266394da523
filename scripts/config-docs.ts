import { readFileSync, writeFileSync } from 'node:fs';
import { settingDescriptions } from '../src/config.js';

/**
 * Renders the configuration table from the config schema into README.md between the markers.
 * `--write` updates the file; without it, exits 1 when the README is out of date (used by tests).
 */
const START = '<!-- config:start -->';
const END = '<!-- config:end -->';

export function configTable(): string {
  const rows = settingDescriptions().map(({ key, schema }) => {
    const type = schema.anyOf
      ? (schema.anyOf as { const: string }[]).map((s) => `\`${s.const}\``).join(' \\| ')
      : String(schema.type);
    const fallback = schema.default === undefined ? '' : `\`${String(schema.default)}\``;
    const description = String(schema.description ?? '').replaceAll('|', '\\|');
    return `| \`${key}\` | ${type} | ${fallback} | ${description} |`;
  });
  return ['| Variable | Type | Default | Description |', '|---|---|---|---|', ...rows].join('\n');
}

export function renderReadme(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md needs ${START} and ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n${configTable()}\n${readme.slice(end)}`;
}

if (process.argv[1]?.endsWith('config-docs.ts')) {
  const readme = readFileSync('README.md', 'utf8');
  const rendered = renderReadme(readme);
  if (process.argv.includes('--write')) writeFileSync('README.md', rendered);
  else if (rendered !== readme) {
    console.error('README.md configuration table is out of date: run `npm run docs:config`.');
    process.exit(1);
  }
}
