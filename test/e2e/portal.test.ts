/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp } from '../support/app.js';
import { signInOnPage, useServedAppInBrowser, watchProblems } from '../support/browser.js';
import { waitFor } from '../support/wait.js';

const suite = useServedAppInBrowser({
  env: { MFA_REQUIRED_ROLES: 'none', ATTACHMENT_MAX_BYTES: '100000' },
});

// The smallest valid PNG (a 1×1 pixel), named like a document: its type comes from its bytes.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const ticketIdOf = async (key: string) =>
  await suite.served.platform.database.db
    .selectFrom('tickets')
    .select(['id', 'status', 'version'])
    .where('number', '=', key.replace('SB-', ''))
    .executeTakeFirstOrThrow();

describe('the customer portal in Chromium', () => {
  it('opens a ticket, sees the team’s reply and status live (never its notes), replies to reopen, closes', async () => {
    const customer = await createUser(suite.served, ['customer']);
    const agentUser = await createUser(suite.served, ['agent']);
    const agent = await signInAs(suite.served.app, agentUser.email);
    const page = await suite.browser.newPage();
    page.setDefaultTimeout(10_000);
    const problems = await watchProblems(page);
    await signInOnPage(page, suite.served.baseUrl, customer.email);

    await page.goto(`${suite.served.baseUrl}/tickets`);
    await expect(page.locator('main').textContent()).resolves.toContain('No tickets here');
    await page.click('a:has-text("New ticket")');
    // A file over the server's limit is taken out of the selection before anything is sent, with a
    // message; the valid file chosen with it stays.
    await page.fill('#field-body', 'It jams on **every** duplex page.');
    await page.setInputFiles('#field-files', [
      { name: 'scan.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(150_000, 1) },
      { name: 'jam.pdf', mimeType: 'application/pdf', buffer: PNG },
    ]);
    await expect(page.locator('[data-attachments-refused]').textContent()).resolves.toContain(
      'scan.pdf is larger than',
    );
    await expect(
      page.locator('#field-files').evaluate((i) => Array.from((i as HTMLInputElement).files!, (f) => f.name)),
    ).resolves.toEqual(['jam.pdf']);
    await expect(page.locator('[data-testid="chosen-file"]').count()).resolves.toBe(1);
    // No subject: the form says so next to the field; the file, uploaded first, is kept, not lost.
    await page.click('button:has-text("Send")');
    await expect(page.locator('#field-subject-error').textContent()).resolves.toContain('subject');
    await expect(page.inputValue('#field-body')).resolves.toBe('It jams on **every** duplex page.');
    await expect(page.locator('[data-testid="kept-files"]').textContent()).resolves.toContain('jam.pdf');
    await page.fill('#field-subject', 'Printer on floor 3 jams');
    // Premium priorities are not offered to a plain customer.
    const priorities = await page
      .locator('#field-priority option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(priorities).toEqual(['low', 'normal']);
    await page.click('button:has-text("Send")');
    await page.waitForURL(/\/tickets\/SB-\d+$/);
    const key = new URL(page.url()).pathname.split('/').pop()!;
    await expect(page.locator('[data-testid="body"]').first().innerHTML()).resolves.toContain(
      '<strong>every</strong>',
    );
    // The page says "Live" once its event stream is open (a moment after the page loads).
    await waitFor(
      async () => (await page.locator('[data-live-status]').textContent()) === 'Live',
      5_000,
      'the stream to open',
    );
    const { id } = await ticketIdOf(key);
    // The file is on the first message, served as the image its bytes say it is.
    const link = page.locator('[data-testid="attachment"]');
    await expect(link.textContent()).resolves.toBe('jam.pdf');
    const download = await page.request.get(new URL((await link.getAttribute('href'))!, page.url()).href);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-type']).toBe('image/png');
    expect(Buffer.from(await download.body()).equals(PNG)).toBe(true);

    // The team answers through the API; the open page shows the reply without a reload, not the note.
    const note = await agent.post(`/api/v1/tickets/${id}/messages`, {
      body: 'Internal: toner supplier is late',
      visibility: 'internal',
    });
    expect(note.statusCode).toBe(201);
    const reply = await agent.post(`/api/v1/tickets/${id}/messages`, { body: 'Try the rear tray, please.' });
    expect(reply.statusCode).toBe(201);
    await page.locator('[data-testid="message"]', { hasText: 'Try the rear tray' }).waitFor();
    await expect(page.locator('#thread').textContent()).resolves.not.toContain('toner supplier');
    const current = await ticketIdOf(key);
    const resolved = await agent.request(
      'PATCH',
      `/api/v1/tickets/${id}`,
      { status: 'resolved' },
      { 'if-match': `"${current.version}"` },
    );
    expect(resolved.statusCode, resolved.body).toBe(200);
    await page.locator('#thread [data-testid="status"]', { hasText: 'Resolved' }).waitFor();
    await expect(page.locator('[data-testid="history"]').textContent()).resolves.toContain(
      'Status changed to Resolved',
    );

    // An empty reply is refused on the page; a real one reopens the resolved ticket.
    await page.click('button:has-text("Send reply")');
    await expect(page.locator('#field-reply-error').textContent()).resolves.toContain('Write a message');
    await page.fill('#field-reply', 'Rear tray works, but now it is slow.');
    await page.click('button:has-text("Send reply")');
    await page.locator('[data-testid="message"]', { hasText: 'now it is slow' }).waitFor();
    await expect(page.locator('#thread [data-testid="status"]').textContent()).resolves.toBe('Open');
    expect((await ticketIdOf(key)).status).toBe('open');

    // Closing asks first.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('button:has-text("Close ticket")');
    await expect(page.locator('main').textContent()).resolves.toContain('Your ticket is closed');
    expect((await ticketIdOf(key)).status).toBe('closed');

    // The list shows it, and search finds it by a word from a message body.
    await page.goto(`${suite.served.baseUrl}/tickets?q=duplex`);
    await expect(page.locator('[data-testid="ticket-row"]').count()).resolves.toBe(1);
    await expect(page.locator('[data-testid="snippet"]').innerHTML()).resolves.toContain(
      '<mark>duplex</mark>',
    );

    expect(problems.console.filter((m) => !/status of 4(00|13)/.test(m))).toEqual([]);
    expect(problems.csp).toEqual([]);
    await page.close();
  }, 90_000);

  it('previews chosen images, lets one be removed, and uploads them first, with a progress bar', async () => {
    const customer = await createUser(suite.served, ['customer']);
    const page = await suite.browser.newPage();
    page.setDefaultTimeout(10_000);
    const problems = await watchProblems(page);
    await signInOnPage(page, suite.served.baseUrl, customer.email);
    await page.goto(`${suite.served.baseUrl}/tickets/new`);
    await expect(page.locator('#field-files-limits').textContent()).resolves.toContain('Up to 5 files');
    await page.setInputFiles('#field-files', [
      { name: 'photo.png', mimeType: 'image/png', buffer: PNG },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('notes') },
    ]);
    const preview = page.locator('[data-testid="preview"]');
    await expect(preview.count()).resolves.toBe(1);
    await expect(preview.getAttribute('src')).resolves.toMatch(/^blob:/);
    await expect(preview.getAttribute('alt')).resolves.toBe('Preview of photo.png');
    await expect(preview.evaluate((img) => (img as HTMLImageElement).naturalWidth)).resolves.toBe(1);
    await page.click('button[aria-label="Remove notes.txt"]');
    await expect(page.locator('[data-testid="chosen-file"]').count()).resolves.toBe(1);
    await page.fill('#field-subject', 'Screen flickers');
    await page.fill('#field-body', 'See the photo.');
    const uploads: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v1/uploads')) uploads.push(r.method());
    });
    const progress = page.locator('[data-attachments-progress]');
    await expect(progress.isHidden()).resolves.toBe(true);
    await page.click('button:has-text("Send")');
    await page.waitForURL(/\/tickets\/SB-\d+$/);
    await expect(page.locator('[data-testid="attachment"]').allTextContents()).resolves.toEqual([
      'photo.png',
    ]);
    expect(problems.console).toEqual([]);
    expect(problems.csp).toEqual([]);
    await page.close();
  });

  it('without the script, a refused file leaves the valid ones sent with it stored and kept', async () => {
    const customer = await createUser(suite.served, ['customer']);
    const context = await suite.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signInOnPage(page, suite.served.baseUrl, customer.email);
    await page.goto(`${suite.served.baseUrl}/tickets/new`);
    await page.fill('#field-subject', 'Two files');
    await page.fill('#field-body', 'One is too big.');
    await page.setInputFiles('#field-files', [
      { name: 'good.pdf', mimeType: 'application/pdf', buffer: PNG },
      { name: 'huge.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(150_000, 1) },
    ]);
    await page.click('button:has-text("Send")');
    await expect(page.locator('#field-files-error').textContent()).resolves.toContain(
      'huge.pdf was not attached: it is larger than',
    );
    await expect(page.locator('#field-files-error').textContent()).resolves.toContain(
      'The other files were kept.',
    );
    await expect(page.locator('[data-testid="kept-files"]').textContent()).resolves.toContain('good.pdf');
    await page.click('button:has-text("Send")');
    await page.waitForURL(/\/tickets\/SB-\d+$/);
    await expect(page.locator('[data-testid="attachment"]').allTextContents()).resolves.toEqual(['good.pdf']);
    await context.close();
  });

  it('never shows another customer’s ticket: not in the list, not in search, 404 by its address', async () => {
    const [mine, theirs] = [
      await createUser(suite.served, ['customer']),
      await createUser(suite.served, ['customer']),
    ];
    const other = await signInAs(suite.served.app, theirs.email);
    const opened = await other.post('/api/v1/tickets', {
      subject: 'Payroll export fails',
      body: 'The confidential payroll export fails at step two.',
    });
    expect(opened.statusCode).toBe(201);
    const page = await suite.browser.newPage();
    await signInOnPage(page, suite.served.baseUrl, mine.email);
    await page.goto(`${suite.served.baseUrl}/tickets?q=payroll`);
    await expect(page.locator('[data-testid="ticket-row"]').count()).resolves.toBe(0);
    await expect(page.locator('main').textContent()).resolves.toContain('No ticket matches');
    const response = await page.goto(`${suite.served.baseUrl}/tickets/${opened.json().key}`);
    expect(response?.status()).toBe(404);
    await page.close();
  });

  it('pages through a long list and filters it by status', async () => {
    const customer = await createUser(suite.served, ['customer']);
    const client = await signInAs(suite.served.app, customer.email);
    for (let n = 1; n <= 22; n++) {
      const res = await client.post('/api/v1/tickets', { subject: `Request number ${n}`, body: 'Details.' });
      expect(res.statusCode).toBe(201);
    }
    const last = (await client.get('/api/v1/tickets?limit=1')).json().items[0];
    expect(
      (
        await client.request(
          'PATCH',
          `/api/v1/tickets/${last.id}`,
          { status: 'closed' },
          { 'if-match': `"${last.version}"` },
        )
      ).statusCode,
    ).toBe(200);
    const page = await suite.browser.newPage();
    await signInOnPage(page, suite.served.baseUrl, customer.email);
    await page.goto(`${suite.served.baseUrl}/tickets`);
    const rows = page.locator('[data-testid="ticket-row"]');
    await expect(rows.count()).resolves.toBe(20);
    await expect(rows.first().textContent()).resolves.toContain('Request number 22');
    await page.click('a[rel="next"]');
    await expect(rows.count()).resolves.toBe(2);
    await expect(page.locator('main').textContent()).resolves.toContain('Request number 1');
    await page.goto(`${suite.served.baseUrl}/tickets?state=closed`);
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().textContent()).resolves.toContain('Request number 22');
    await page.selectOption('#field-state', 'active');
    await page.click('button:has-text("Show")');
    await expect(page.locator('main').textContent()).resolves.not.toContain('Request number 22');
    await page.close();
  });

  it('an open page stops receiving the moment its session ends, and goes to sign-in', async () => {
    const customer = await createUser(suite.served, ['customer']);
    const agentUser = await createUser(suite.served, ['agent']);
    const client = await signInAs(suite.served.app, customer.email);
    const opened = (await client.post('/api/v1/tickets', { subject: 'Session ends', body: 'Hello.' })).json();
    const page = await suite.browser.newPage();
    page.setDefaultTimeout(15_000);
    await signInOnPage(page, suite.served.baseUrl, customer.email);
    await page.goto(`${suite.served.baseUrl}/tickets/${opened.key}`);
    await waitFor(
      async () => (await page.locator('[data-live-status]').textContent()) === 'Live',
      5000,
      'the stream to open',
    );
    // An administrator signs the customer out everywhere; then the team answers.
    await suite.served.platform.sessions.deleteByUser(customer.id);
    const agent = await signInAs(suite.served.app, agentUser.email);
    expect(
      (await agent.post(`/api/v1/tickets/${opened.id}/messages`, { body: 'Not for revoked sessions.' }))
        .statusCode,
    ).toBe(201);
    // Back to sign-in, which will bring them back to this ticket.
    await page.waitForURL(
      `${suite.served.baseUrl}/login?next=${encodeURIComponent(`/tickets/${opened.key}`)}`,
    );
    await expect(page.content()).resolves.not.toContain('Not for revoked sessions.');
    await page.close();
  });

  it('a browser on node A sees a new ticket and a reply made through node B without a reload', async () => {
    const customer = await createUser(suite.served, ['customer']);
    const agentUser = await createUser(suite.served, ['agent']);
    // A second node of the same deployment: same database, its own process and connections.
    const nodeB = await buildTestApp({
      database: suite.served.database,
      env: { MFA_REQUIRED_ROLES: 'none' },
    });
    try {
      const page = await suite.browser.newPage();
      page.setDefaultTimeout(10_000);
      await signInOnPage(page, suite.served.baseUrl, customer.email);
      await page.goto(`${suite.served.baseUrl}/tickets`);
      await waitFor(
        async () => (await page.locator('[data-live-status]').textContent()) === 'Live',
        5000,
        'the stream to open',
      );
      const onB = await signInAs(nodeB.app, customer.email);
      const opened = await onB.post('/api/v1/tickets', { subject: 'Opened on node B', body: 'Through B.' });
      expect(opened.statusCode).toBe(201);
      await page.locator('[data-testid="ticket-row"] a', { hasText: 'Opened on node B' }).click();
      await page.waitForURL(`${suite.served.baseUrl}/tickets/${opened.json().key}`);
      await waitFor(
        async () => (await page.locator('[data-live-status]').textContent()) === 'Live',
        5000,
        'the thread stream to open',
      );
      const agentOnB = await signInAs(nodeB.app, agentUser.email);
      const replied = await agentOnB.post(`/api/v1/tickets/${opened.json().id}/messages`, {
        body: 'Answered from node B.',
      });
      expect(replied.statusCode).toBe(201);
      await page.locator('[data-testid="message"]', { hasText: 'Answered from node B.' }).waitFor();
      await page.close();
    } finally {
      await nodeB.close();
    }
  });
});
