/// <reference lib="dom" />
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** WCAG 2.2 level A and AA, as issue 17's acceptance asks. */
export const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** One finding, short enough to read in a failed assertion: `rule: target (summary)`. */
export type Finding = string;

/** axe-core's WCAG 2.2 AA violations on the page as it is now; `rules` narrows the run. */
export async function axeFindings(page: Page, rules?: string[]): Promise<Finding[]> {
  // A mail shown in the outbox is the sender's markup in a sandboxed frame, not a page of ours:
  // axe checks the frame element (its title) but does not go inside.
  const builder = new AxeBuilder({ page }).options({ iframes: false }).withTags(WCAG_22_AA);
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
 * Checks the page at 1280 px and at 320 px, each in the light and the dark scheme (issue 17's
 * acceptance). Every rule runs once per width (1280 light, 320 dark); in the other two states only
 * what a colour scheme can change runs (colour contrast), because the rest of axe's rules read the
 * structure, which the scheme leaves alone: all four states are checked for what can differ in
 * them, in half the time of four full runs. At 320 px the page must not scroll sideways (WCAG
 * 1.4.10). The page must follow the automatic theme (no `sb_theme` cookie) for the scheme to
 * switch. With `screenshots` (a path prefix), each state is kept as a PNG.
 */
export async function sweep(page: Page, screenshots?: string): Promise<Finding[]> {
  const found: Finding[] = [];
  const states = [
    { width: 1280, scheme: 'light', rules: undefined },
    { width: 1280, scheme: 'dark', rules: SCHEME_RULES },
    { width: 320, scheme: 'dark', rules: undefined },
    { width: 320, scheme: 'light', rules: SCHEME_RULES },
  ] as const;
  for (const { width, scheme, rules } of states) {
    await page.setViewportSize({ width, height: width === 320 ? 640 : 900 });
    await page.emulateMedia({ colorScheme: scheme });
    await settled(page);
    const label = `${width} ${scheme}`;
    found.push(...(await axeFindings(page, rules ? [...rules] : undefined)).map((f) => `[${label}] ${f}`));
    if (screenshots) await page.screenshot({ path: `${screenshots}-${width}-${scheme}.png`, fullPage: true });
  }
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  if (wide > 320) found.push(`[320] scrolls sideways: ${wide}px wide${await widest(page)}`);
  return found;
}

/** The rules whose outcome a colour scheme can change. */
const SCHEME_RULES = ['color-contrast', 'link-in-text-block'] as const;

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
