/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import { countSegments } from '../../src/modules/sms/outbound/segments.js';
import { createUser } from '../support/actors.js';
import { signInOnPage, watchProblems } from '../support/browser.js';
import { buyLine, customerWithPhone, textedAndRouted, useSmsAppInBrowser } from '../support/sms-app.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 20's first acceptance item, end to end over real HTTP: a number bought from the fake
 * Twilio, a text to it from a customer's verified phone opens an SMS ticket, the agent answers in
 * the inbox, the text reaches the fake from that number, and Twilio's delivery callback marks the
 * reply delivered on the open page without a reload; an undelivered one says so in the timeline.
 */
const suite = useSmsAppInBrowser();

describe('answering a text from the inbox, in Chromium', () => {
  it('texts the reply from the line and shows Texted, then Delivered live; a failed one shows in the timeline', async () => {
    const { served, browser, twilio } = suite;
    const line = await buyLine(served, '+14155550500');
    const phone = '+31612370001';
    await customerWithPhone(served, phone);
    const text = await textedAndRouted(served, twilio, phone, line.e164, 'The printer says offline');
    expect(text.outcome).toBe('new-ticket');
    const ticket = await served.platform.database.system
      .selectFrom('tickets')
      .select(['number', 'channel'])
      .where('id', '=', text.ticket_id!)
      .executeTakeFirstOrThrow();
    expect(ticket.channel).toBe('sms');

    const agent = await createUser(served, ['agent']);
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(15_000);
    const problems = await watchProblems(page);
    await signInOnPage(page, served.baseUrl, agent.email);
    await page.goto(`${served.baseUrl}/inbox/SB-${ticket.number}`);
    await expect(page.getByTestId('message-body').first().textContent()).resolves.toContain(
      'The printer says offline',
    );
    // The composer counts as the phone will, as the server does: one emoji makes it UCS-2.
    const count = page.locator('[data-sms-count]');
    await expect(count.textContent()).resolves.toContain('goes to the customer as a text');
    for (const draft of ['Is it back? 👍', 'x'.repeat(161), `${'é'.repeat(60)}😀${'a'.repeat(200)}`]) {
      await page.fill('#field-body', draft);
      const expected = countSegments(draft);
      await expect(count.textContent()).resolves.toContain(
        `${expected.characters} characters · ${expected.segments} SMS part(s) · ${expected.encoding}`,
      );
      await expect(count.getAttribute('data-too-long')).resolves.toBe(expected.segments > 3 ? '' : null);
    }
    await expect(count.textContent()).resolves.toContain('Long text: it goes as 4 parts');
    await page.fill('#field-body', 'Please switch it off and on again.');
    await page.locator('form[action$="/reply"] button[type=submit]').click();
    await page.waitForURL(/done=reply/);

    await waitFor(() => twilio.sent.some((m) => m.to === phone), 15_000, 'the reply texted');
    const sent = twilio.sent.find((m) => m.to === phone)!;
    expect(sent).toMatchObject({ from: line.e164, body: 'Please switch it off and on again.' });

    const statusUrl = `${served.baseUrl}/webhooks/twilio/status`;
    const report = (sid: string, status: string, extra: Record<string, string> = {}) =>
      twilio.signedPost(statusUrl, {
        MessageSid: sid,
        MessageStatus: status,
        AccountSid: twilio.accountSid,
        From: line.e164,
        To: phone,
        ...extra,
      });
    const badge = () => page.getByTestId('delivery').allTextContents();
    expect((await report(sent.sid, 'sent')).status).toBe(200);
    await page.reload();
    await expect(badge()).resolves.toEqual(['Texted']);
    // Delivered: the open page changes by itself (the live stream), no reload.
    expect((await report(sent.sid, 'delivered', { Price: '-0.0079', PriceUnit: 'USD' })).status).toBe(200);
    await waitFor(async () => (await badge()).includes('Delivered'), 15_000, 'Delivered shown live');
    await expect(page.locator('#ticket-activity').textContent()).resolves.toContain(
      'confirmed that the text reached the customer',
    );
    // A late "sent" after "delivered" moves nothing back.
    expect((await report(sent.sid, 'sent')).status).toBe(200);
    await page.reload();
    await expect(badge()).resolves.toEqual(['Delivered']);

    // A second reply that the carrier could not deliver: Not delivered, and the timeline says so.
    await page.fill('#field-body', 'Did that help?');
    await page.locator('form[action$="/reply"] button[type=submit]').click();
    await page.waitForURL(/done=reply/);
    await waitFor(() => twilio.sent.filter((m) => m.to === phone).length >= 2, 15_000, 'second reply');
    const second = twilio.sent.filter((m) => m.to === phone)[1]!;
    expect((await report(second.sid, 'undelivered', { ErrorCode: '30003' })).status).toBe(200);
    await waitFor(async () => (await badge()).includes('Not delivered'), 15_000, 'Not delivered shown live');
    await expect(page.locator('#ticket-activity').textContent()).resolves.toMatch(
      /reported that the text to \+316•+\d{3} was not delivered/,
    );
    expect(problems.console).toEqual([]);
    expect(problems.csp).toEqual([]);
  }, 120_000);
});
