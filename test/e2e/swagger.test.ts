/// <reference lib="dom" />
import { validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { useServedAppInBrowser, watchProblems } from '../support/browser.js';

const suite = useServedAppInBrowser();

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 that a real validator accepts, without pages or static files', async () => {
    const response = await fetch(`${suite.served.baseUrl}/api/openapi.json`);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe('3.1.0');
    // validate() dereferences in place, so it gets a copy.
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
    const paths = Object.keys(document.paths);
    expect(paths).toContain('/api/v1/instance');
    expect(paths.filter((p) => p === '/' || p.startsWith('/static'))).toEqual([]);
  });
});

describe('Swagger UI in Chromium', () => {
  it('loads the document with no console errors', async () => {
    const page = await suite.browser.newPage();
    const problems = await watchProblems(page);
    await page.goto(`${suite.served.baseUrl}/api/docs`);
    const title = page.locator('.swagger-ui .info .title');
    await title.waitFor({ timeout: 15_000 });
    expect(await title.textContent()).toContain('Switchboard API');
    await page.locator('.opblock-summary-path', { hasText: '/api/v1/instance' }).first().waitFor();
    expect(problems).toEqual({ console: [], csp: [], failedRequests: [] });
    await page.close();
  });
});
