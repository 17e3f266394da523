import type { OutgoingSms, SmsSender } from './port.js';
import type { TwilioApi } from './twilio-api.js';

/**
 * Twilio's Messages API: `POST /2010-04-01/Accounts/{Sid}/Messages.json`, form-encoded, HTTP Basic
 * auth with the account SID and auth token. The sender is the text's own `from` (the number a
 * customer wrote to), else the configured phone number (`+…`) or Messaging Service SID (`MG…`).
 * A non-2xx answer throws an SmsProviderError carrying Twilio's code, so the job retries or, for
 * codes that cannot succeed later (21610 unsubscribed), the caller records why.
 *
 * Twilio documents no idempotency key for creating messages, so a send whose answer is lost (a
 * timeout after Twilio accepted it) is sent again on retry: texts are at-least-once.
 */
export class TwilioSmsSender implements SmsSender {
  constructor(
    private readonly api: TwilioApi,
    private readonly from: string,
  ) {}

  async send(sms: OutgoingSms): Promise<{ providerId: string }> {
    const from = sms.from ?? this.from;
    const answer = await this.api.request<{ sid?: unknown }>('POST', '/Messages.json', {
      To: sms.to,
      Body: sms.body,
      [from.startsWith('MG') ? 'MessagingServiceSid' : 'From']: from,
      StatusCallback: sms.statusCallback,
    });
    if (typeof answer.sid !== 'string')
      throw new Error('Twilio accepted the text but answered without a sid');
    return { providerId: answer.sid };
  }
}
