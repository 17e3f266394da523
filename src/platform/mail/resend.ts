import type { Mailer, OutgoingMail } from './port.js';

/**
 * Delivery through Resend's REST API (`POST /emails`). The Idempotency-Key header makes a retried
 * job send the mail once (Resend keeps keys for 24 hours). A non-2xx answer throws, so the job
 * retries with backoff.
 */
export class ResendMailer implements Mailer {
  constructor(
    private readonly apiKey: string,
    private readonly baseUrl: string,
  ) {}

  async send(mail: OutgoingMail): Promise<{ providerId: string }> {
    const response = await fetch(`${this.baseUrl.replace(/\/$/, '')}/emails`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': mail.idempotencyKey,
      },
      body: JSON.stringify({
        from: mail.from,
        to: [mail.to],
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        ...(mail.replyTo ? { reply_to: mail.replyTo } : {}),
        ...(mail.headers || mail.messageId
          ? { headers: { ...mail.headers, ...(mail.messageId ? { 'Message-ID': mail.messageId } : {}) } }
          : {}),
        ...(mail.attachments?.length
          ? {
              attachments: mail.attachments.map((a) => ({
                filename: a.filename,
                content: a.content.toString('base64'),
                content_type: a.contentType,
              })),
            }
          : {}),
      }),
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) {
      // The body names the problem (e.g. an unverified domain); it holds no secret of ours.
      throw new Error(`Resend answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    }
    const { id } = (await response.json()) as { id?: unknown };
    if (typeof id !== 'string') throw new Error('Resend accepted the mail but answered without an id');
    return { providerId: id };
  }
}
