import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modules } from '../../src/modules/index.js';
import { viewSearchPath } from '../../src/web/view-paths.js';
import { greetingModule } from '../fixtures/greeting-feature/index.js';
import { buildTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ modules: [...modules, greetingModule] });
});
afterAll(() => t.close());

const page = (url: string) => t.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });

describe('a feature is one folder and one line in the feature list', () => {
  it('a fixture feature renders a page from its own views/ inside the shared layout', async () => {
    const res = await page('/greeting');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1 data-testid="greeting">Hello, new feature</h1>');
    expect(res.body).toContain('<title>Greeting · Switchboard</title>');
  });

  it('the site keeps its home page in src/modules/site/views, found without registering it', async () => {
    expect(existsSync('src/modules/site/views/pages/home.njk')).toBe(true);
    expect(existsSync('src/web/views/pages/home.njk')).toBe(false);
    const res = await page('/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('How can we help?');
  });

  it('looks up the shared views first, then every feature folder that has views/', () => {
    const search = viewSearchPath().map((dir) => path.relative(process.cwd(), dir));
    expect(search[0]).toBe(path.join('src', 'web', 'views'));
    expect(search).toContain(path.join('src', 'modules', 'site', 'views'));
  });
});
