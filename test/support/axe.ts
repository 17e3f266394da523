/// <reference lib="dom" />
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** WCAG 2.2 level A and AA, as issue 17's acceptance asks. */
export const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** One finding, short enough to read in a failed assertion: `rule: target (summary)`. */
export type Finding = string;

/** axe-core's WCAG 2.2 AA violations on the page as it is now; `rules` narrows the run. */
export async function axeFindings(page: Page, rules?: string[]): Promise<Finding[]> {
  const builder = new AxeBuilder({ page }).withTags(WCAG_22_AA);
  if (rules) builder.withRules(rules);
  const { violations } = await builder.analyze();
  return violations.flatMap((v) =>
    v.nodes.map(
      (n) =>
        `${v.id}: ${n.target.join(' ')} (${(n.failureSummary ?? v.help).replace(/\s+/g, ' ').slice(0, 160)})`,
    ),
  );
}

/**
 * Checks the page at 1280 px in the light scheme and at 320 px in the dark one, every rule each
 * time: each width and each scheme is seen once with every rule (two runs instead of four; the
 * colours do not change with the width, and axe is the slow part). At 320 px the page must not
 * scroll sideways (WCAG 1.4.10). The page must follow the automatic theme (no `sb_theme` cookie)
 * for the scheme to switch. With `screenshots` (a path prefix), each state is kept as a PNG.
 */
export async function sweep(page: Page, screenshots?: string): Promise<Finding[]> {
  const found: Finding[] = [];
  const at = async (label: string) => {
    found.push(...(await axeFindings(page)).map((f) => `[${label}] ${f}`));
    if (screenshots)
      await page.screenshot({ path: `${screenshots}-${label.replace(' ', '-')}.png`, fullPage: true });
  };
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  await at('1280 light');
  await page.setViewportSize({ width: 320, height: 640 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await settled(page);
  await at('320 dark');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width > 320) found.push(`[320] scrolls sideways: ${width}px wide${await widest(page)}`);
  return found;
}

/** Waits for running CSS transitions (`.btn`'s colours fade when the scheme changes) to end. */
async function settled(page: Page): Promise<void> {
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null))));
}

/** Names the element that sticks out furthest, to say where a horizontal scroll comes from. */
async function widest(page: Page): Promise<string> {
  return page.evaluate(() => {
    let worst: Element | null = null;
    let right = 320;
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect().right;
      if (r > right) [worst, right] = [el, r];
    }
    if (!worst) return '';
    const cls =
      typeof worst.className === 'string'
        ? `.${worst.className.trim().split(/\s+/).slice(0, 4).join('.')}`
        : '';
    return ` (widest: <${worst.tagName.toLowerCase()}${cls}> to ${Math.round(right)}px)`;
  });
}
