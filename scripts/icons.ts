import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

/**
 * Regenerates the app icons in src/web/static/img from the SVG logo (favicon.svg), drawn by
 * Chromium: icon-192.png and icon-512.png (the logo as is, transparent corners) and
 * icon-maskable-512.png (full-bleed background, the mark inside the central 80 % safe zone the
 * W3C manifest spec's "maskable" purpose promises to keep, so any mask shape crops only colour).
 * The PNGs are committed; nothing runs this at build or start time.
 *
 *   tsx scripts/icons.ts        (CHROMIUM_PATH when Chromium is not /usr/bin/chromium)
 */
const IMG = 'src/web/static/img';
const logo = readFileSync(path.join(IMG, 'favicon.svg'), 'utf8');
const background = /<rect[^>]*fill="([^"]+)"/.exec(logo)?.[1] ?? '#1a5cdf';

/** The mark without its rounded square, shrunk to 70 % around the centre, on a full square. */
const maskable = logo
  .replace(/<title>.*?<\/title>/, '')
  .replace(/<rect[^>]*\/>/, `<rect width="32" height="32" fill="${background}"/>`)
  .replace(
    /(<rect[^>]*\/>)([\s\S]*)(<\/svg>)/,
    '$1<g transform="translate(16 16) scale(0.7) translate(-16 -16)">$2</g>$3',
  );

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  for (const [file, svg, size] of [
    ['icon-192.png', logo, 192],
    ['icon-512.png', logo, 512],
    ['icon-maskable-512.png', maskable, 512],
  ] as const) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const sized = svg.replace('<svg ', `<svg width="${size}" height="${size}" `);
    await page.setContent(`<!doctype html><body style="margin:0">${sized}</body>`);
    writeFileSync(path.join(IMG, file), await page.locator('svg').screenshot({ omitBackground: true }));
    await page.close();
    console.log(`${IMG}/${file}`);
  }
} finally {
  await browser.close();
}
