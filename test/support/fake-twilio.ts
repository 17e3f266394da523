import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';

export const FAKE_ACCOUNT_SID = `AC${'7'.repeat(32)}`;
export const FAKE_AUTH_TOKEN = 'fake-twilio-auth-token-0123456789';

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

interface HeldNumber {
  sid: string;
  phone_number: string;
  sms_url: string;
  status_callback: string;
  capabilities: { voice: boolean; sms: boolean; mms: boolean; fax: boolean };
}

export interface SentText {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback: string | null;
  /** When the fake took it (ms since the epoch). */
  at: number;
}

/** How the fake calls a webhook: over HTTP by default, or into an app's `inject` in tests. */
export type Deliver = (
  url: string,
  form: Record<string, string>,
  headers: Record<string, string>,
) => Promise<{ status: number; body: string }>;

const overHttp: Deliver = async (url, form, headers) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: await response.text() };
};

/**
 * A stand-in for api.twilio.com on localhost, speaking its wire format: HTTP Basic auth with the
 * account SID and token, form-encoded requests, JSON answers and error bodies with Twilio's codes
 * (20003 unauthenticated, 20404 not found, 21211 invalid To, 21452 number not available, 21610
 * unsubscribed recipient). It sells numbers, sends texts, hosts MMS media, and calls webhooks back
 * signed with `X-Twilio-Signature` as Twilio does.
 */
export async function startFakeTwilio(options: { deliver?: Deliver } = {}) {
  const deliver = options.deliver ?? overHttp;
  const numbers = new Map<string, HeldNumber>();
  const sent: SentText[] = [];
  const optedOut = new Set<string>();
  const media = new Map<string, { type: string; data: Buffer }>();
  const requests: { method: string; path: string; authorized: boolean }[] = [];
  let sold = 0;
  const heldByPhone = (phone: string) => [...numbers.values()].find((n) => n.phone_number === phone);
  /**
   * Texts to take and then answer with a dropped connection (`answers`), or never answer at all
   * (`holds`: the sender is killed meanwhile), as when a crash follows Twilio's accepting a text.
   */
  const lose = { answers: 0, holds: 0 };
  const accountPath = `/2010-04-01/Accounts/${FAKE_ACCOUNT_SID}`;
  const expectedAuth = `Basic ${Buffer.from(`${FAKE_ACCOUNT_SID}:${FAKE_AUTH_TOKEN}`).toString('base64')}`;

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: number, message: string) =>
    json(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const url = new URL(req.url ?? '/', 'http://fake');
    const form = new URLSearchParams(req.method === 'GET' ? url.search : raw);
    const authorized = req.headers.authorization === expectedAuth;
    requests.push({ method: req.method ?? '', path: url.pathname, authorized });
    if (!authorized) return error(res, 401, 20003, 'Authenticate');
    const path = url.pathname;
    const mediaItem = media.get(path);
    if (req.method === 'GET' && mediaItem) {
      res.writeHead(200, { 'content-type': mediaItem.type, 'content-length': String(mediaItem.data.length) });
      return res.end(mediaItem.data);
    }
    const pricing = path.match(/^\/v1\/PhoneNumbers\/Countries\/([A-Z]{2})$/);
    if (req.method === 'GET' && pricing)
      return json(res, 200, {
        country: pricing[1],
        iso_country: pricing[1],
        phone_number_prices: [
          { number_type: 'local', base_price: '1.15', current_price: '1.15' },
          { number_type: 'toll free', base_price: '2.15', current_price: '2.15' },
        ],
        price_unit: 'USD',
      });
    if (!path.startsWith(accountPath)) return error(res, 404, 20404, 'The requested resource was not found');
    const rest = path.slice(accountPath.length);
    const search = rest.match(/^\/AvailablePhoneNumbers\/([A-Z]{2})\/Local\.json$/);
    if (req.method === 'GET' && search) {
      const area = form.get('AreaCode') ?? (search[1] === 'US' ? '415' : '20');
      const prefix = search[1] === 'US' ? `+1${area}555` : `+31${area}55`;
      return json(res, 200, {
        available_phone_numbers: [1, 2, 3].map((i) => ({
          friendly_name: `(${area}) 555-01${sold}${i}`,
          phone_number: `${prefix}01${sold}${i}`,
          locality: 'San Francisco',
          region: 'CA',
          iso_country: search[1],
          capabilities: { voice: true, SMS: true, MMS: true },
        })),
      });
    }
    if (req.method === 'POST' && rest === '/IncomingPhoneNumbers.json') {
      const phone = form.get('PhoneNumber') ?? '';
      if (!/^\+[1-9]\d{6,14}$/.test(phone)) return error(res, 400, 21421, 'PhoneNumber is invalid');
      if ([...numbers.values()].some((n) => n.phone_number === phone))
        return error(res, 400, 21452, 'Number is not available');
      sold++;
      const held: HeldNumber = {
        sid: sid('PN'),
        phone_number: phone,
        sms_url: form.get('SmsUrl') ?? '',
        status_callback: form.get('StatusCallback') ?? '',
        capabilities: { voice: true, sms: true, mms: true, fax: false },
      };
      numbers.set(held.sid, held);
      return json(res, 201, held);
    }
    if (req.method === 'GET' && rest === '/IncomingPhoneNumbers.json')
      return json(res, 200, { incoming_phone_numbers: [...numbers.values()], next_page_uri: null });
    const one = rest.match(/^\/IncomingPhoneNumbers\/(PN[0-9a-f]{32})\.json$/);
    if (one) {
      const held = numbers.get(one[1]!);
      if (!held) return error(res, 404, 20404, 'The requested resource was not found');
      if (req.method === 'DELETE') {
        numbers.delete(held.sid);
        res.writeHead(204);
        return res.end();
      }
      if (req.method === 'POST') {
        if (form.has('SmsUrl')) held.sms_url = form.get('SmsUrl')!;
        if (form.has('StatusCallback')) held.status_callback = form.get('StatusCallback')!;
        return json(res, 200, held);
      }
    }
    if (req.method === 'POST' && rest === '/Messages.json') {
      const to = form.get('To') ?? '';
      if (!/^\+[1-9]\d{6,14}$/.test(to))
        return error(res, 400, 21211, "The 'To' number is not a valid phone number.");
      const from = form.get('From');
      if (from && from !== '+15005550006' && !heldByPhone(from))
        return error(
          res,
          400,
          21606,
          "The 'From' phone number provided is not a valid message-capable Twilio phone number for this account.",
        );
      if (optedOut.has(to)) return error(res, 400, 21610, 'Attempt to send to unsubscribed recipient');
      const text: SentText = {
        sid: sid('SM'),
        to,
        from: form.get('From') ?? form.get('MessagingServiceSid') ?? '',
        body: form.get('Body') ?? '',
        statusCallback: form.get('StatusCallback'),
        at: Date.now(),
      };
      sent.push(text);
      if (lose.answers > 0) {
        lose.answers--;
        return req.socket.destroy();
      }
      if (lose.holds > 0) {
        lose.holds--;
        return;
      }
      return json(res, 201, {
        sid: text.sid,
        status: 'queued',
        to,
        from: text.from,
        body: text.body,
        num_segments: '1',
      });
    }
    if (req.method === 'GET' && rest === '/Messages.json') {
      const since = form.get('DateSent>');
      const messages = sent
        .filter(
          (m) =>
            (!form.get('To') || m.to === form.get('To')) &&
            (!form.get('From') || m.from === form.get('From')),
        )
        .filter((m) => !since || new Date(m.at).toISOString().slice(0, 10) >= since)
        .map((m) => ({
          sid: m.sid,
          to: m.to,
          from: m.from,
          body: m.body,
          status: 'sent',
          date_created: new Date(m.at).toUTCString(),
        }));
      return json(res, 200, { messages, next_page_uri: null });
    }
    return error(res, 404, 20404, 'The requested resource was not found');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => error(res, 500, 20500, 'Internal Server Error'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** Calls a webhook as Twilio does: the form signed over the URL with the account's token. */
  const signedPost = (url: string, form: Record<string, string>, token = FAKE_AUTH_TOKEN) =>
    deliver(url, form, { 'x-twilio-signature': getExpectedTwilioSignature(token, url, form) });

  return {
    url: base,
    accountSid: FAKE_ACCOUNT_SID,
    authToken: FAKE_AUTH_TOKEN,
    numbers,
    sent,
    optedOut,
    requests,
    lose,
    signedPost,
    /** Hosts a media file under the account, as Twilio keeps an MMS's media. */
    hostMedia(type: string, data: Buffer): string {
      const path = `${accountPath}/Messages/${sid('MM')}/Media/${sid('ME')}`;
      media.set(path, { type, data });
      return `${base}${path}`;
    },
    /** The webhook form Twilio posts for a text to one of its numbers. */
    textForm(text: {
      from: string;
      to: string;
      body: string;
      mediaUrls?: { url: string; type: string }[];
      sid?: string;
    }) {
      const messageSid = text.sid ?? sid(text.mediaUrls?.length ? 'MM' : 'SM');
      const form: Record<string, string> = {
        ToCountry: 'US',
        SmsMessageSid: messageSid,
        NumMedia: String(text.mediaUrls?.length ?? 0),
        SmsSid: messageSid,
        SmsStatus: 'received',
        Body: text.body,
        To: text.to,
        NumSegments: '1',
        MessageSid: messageSid,
        AccountSid: FAKE_ACCOUNT_SID,
        From: text.from,
        ApiVersion: '2010-04-01',
      };
      for (const [i, m] of (text.mediaUrls ?? []).entries()) {
        form[`MediaUrl${i}`] = m.url;
        form[`MediaContentType${i}`] = m.type;
      }
      return form;
    },
    /** A customer texts one of the numbers: Twilio calls its SMS webhook, signed. */
    async text(text: {
      from: string;
      to: string;
      body: string;
      mediaUrls?: { url: string; type: string }[];
      sid?: string;
    }) {
      const held = heldByPhone(text.to);
      if (!held) throw new Error(`${text.to} is not a number of this account`);
      const form = this.textForm(text);
      return { sid: form.MessageSid!, ...(await signedPost(held.sms_url, form)) };
    },
    /** Points a number's webhooks elsewhere, as someone at the console might. */
    repoint(phone: string, smsUrl: string) {
      const held = heldByPhone(phone);
      if (held) held.sms_url = smsUrl;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FakeTwilio = Awaited<ReturnType<typeof startFakeTwilio>>;

/** The settings that connect an app to the fake. */
export const twilioEnv = (twilio: FakeTwilio): Record<string, string> => ({
  SMS_TRANSPORT: 'twilio',
  TWILIO_ACCOUNT_SID: twilio.accountSid,
  TWILIO_AUTH_TOKEN: twilio.authToken,
  TWILIO_FROM: '+15005550006',
  TWILIO_API_URL: twilio.url,
});
