import type { OutgoingSms, SmsSender } from './port.js';

/**
 * Twilio's Messages API: `POST /2010-04-01/Accounts/{Sid}/Messages.json`, form-encoded, HTTP Basic
 * auth with the account SID and auth token. The sender is a phone number (`+…`) or a Messaging
 * Service SID (`MG…`). A non-2xx answer throws, so the job retries.
 *
 * Twilio documents no idempotency key for creating messages, so a send whose answer is lost (a
 * timeout after Twilio accepted it) is sent again on retry: texts are at-least-once.
 */
export class TwilioSmsSender implements SmsSender {
  constructor(
    private readonly accountSid: string,
    private readonly authToken: string,
    private readonly from: string,
    private readonly baseUrl: string,
  ) {}

  async send(sms: OutgoingSms): Promise<{ providerId: string }> {
    const form = new URLSearchParams({ To: sms.to, Body: sms.body });
    form.set(this.from.startsWith('MG') ? 'MessagingServiceSid' : 'From', this.from);
    const url = `${this.baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(this.accountSid)}/Messages.json`;
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form,
      signal: AbortSignal.timeout(30_000),
    });
    const answer = (await response.json().catch(() => ({}))) as {
      sid?: unknown;
      code?: number;
      message?: string;
    };
    if (!response.ok) {
      throw new Error(
        `Twilio answered ${response.status}: ${answer.code ?? ''} ${answer.message ?? ''}`.trim(),
      );
    }
    if (typeof answer.sid !== 'string')
      throw new Error('Twilio accepted the text but answered without a sid');
    return { providerId: answer.sid };
  }
}
