import { validateRequest } from 'twilio/lib/webhooks/webhooks.js';
import type {
  AvailableNumber,
  NumberCapabilities,
  NumberWebhooks,
  ProviderNumber,
  SmsNumberProvider,
  TextOut,
} from './numbers.js';
import { readCapped } from './read-capped.js';
import { SmsProviderError, type TwilioApi } from './twilio-api.js';

interface TwilioNumber {
  sid: string;
  phone_number: string;
  capabilities?: Record<string, boolean>;
  sms_url?: string | null;
  status_callback?: string | null;
}

const capabilitiesOf = (c: Record<string, boolean> = {}): NumberCapabilities => ({
  // Available numbers spell them `SMS`/`MMS`, numbers held `sms`/`mms`.
  sms: Boolean(c.sms ?? c.SMS),
  mms: Boolean(c.mms ?? c.MMS),
  voice: Boolean(c.voice),
});

const numberOf = (n: TwilioNumber): ProviderNumber => ({
  sid: n.sid,
  e164: n.phone_number,
  capabilities: capabilitiesOf(n.capabilities),
  smsUrl: n.sms_url || null,
  statusUrl: n.status_callback || null,
});

const hookFields = (hooks: NumberWebhooks) => ({
  SmsUrl: hooks.smsUrl,
  SmsMethod: 'POST',
  StatusCallback: hooks.statusUrl,
  StatusCallbackMethod: 'POST',
});

/** Twilio's media (a 307 to its CDN) is followed to these hosts only, and no further than this. */
const CDN_HOST = /(^|\.)twiliocdn\.com$/;
const MAX_REDIRECTS = 3;
const SID = /^[A-Z]{2}[0-9a-f]{32}$/;

/** Numbers and media through Twilio's REST API (IncomingPhoneNumbers, AvailablePhoneNumbers). */
export class TwilioNumbers implements SmsNumberProvider {
  constructor(private readonly api: TwilioApi) {}

  async searchNumbers(query: { country: string; areaCode?: string }): Promise<AvailableNumber[]> {
    const answer = await this.api.request<{
      available_phone_numbers?: (TwilioNumber & {
        friendly_name?: string;
        locality?: string;
        region?: string;
        iso_country?: string;
      })[];
    }>('GET', `/AvailablePhoneNumbers/${encodeURIComponent(query.country)}/Local.json`, {
      AreaCode: query.areaCode,
      SmsEnabled: 'true',
      PageSize: '20',
    });
    return (answer.available_phone_numbers ?? []).map((n) => ({
      e164: n.phone_number,
      friendlyName: n.friendly_name ?? n.phone_number,
      locality: n.locality || null,
      region: n.region || null,
      country: n.iso_country ?? query.country,
      capabilities: capabilitiesOf(n.capabilities),
    }));
  }

  async buyNumber(e164: string, hooks: NumberWebhooks): Promise<ProviderNumber> {
    return numberOf(
      await this.api.request<TwilioNumber>('POST', '/IncomingPhoneNumbers.json', {
        PhoneNumber: e164,
        ...hookFields(hooks),
      }),
    );
  }

  async configureNumber(sid: string, hooks: NumberWebhooks): Promise<ProviderNumber> {
    return numberOf(
      await this.api.request<TwilioNumber>(
        'POST',
        `/IncomingPhoneNumbers/${encodeURIComponent(sid)}.json`,
        hookFields(hooks),
      ),
    );
  }

  /** Every number the account holds (one page of 1,000: far more than a team buys). */
  async listNumbers(): Promise<ProviderNumber[]> {
    const answer = await this.api.request<{ incoming_phone_numbers?: TwilioNumber[] }>(
      'GET',
      '/IncomingPhoneNumbers.json',
      { PageSize: '1000' },
    );
    return (answer.incoming_phone_numbers ?? []).map(numberOf);
  }

  async releaseNumber(sid: string): Promise<void> {
    try {
      await this.api.request('DELETE', `/IncomingPhoneNumbers/${encodeURIComponent(sid)}.json`);
    } catch (error) {
      // Released already (at the console, or a retry after a lost answer): the outcome we want.
      if (!(error instanceof SmsProviderError && error.status === 404)) throw error;
    }
  }

  async sendText(text: TextOut): Promise<{ sid: string; status: string }> {
    const answer = await this.api.request<{ sid?: unknown; status?: unknown }>('POST', '/Messages.json', {
      From: text.from,
      To: text.to,
      Body: text.body,
      StatusCallback: text.statusCallback,
    });
    if (typeof answer.sid !== 'string')
      throw new Error('Twilio accepted the text but answered without a sid');
    return { sid: answer.sid, status: typeof answer.status === 'string' ? answer.status : 'queued' };
  }

  /** Twilio's message list filtered by To, From and day sent, matched on body and creation time. */
  async findSentTexts(text: Omit<TextOut, 'statusCallback'>, since: Date): Promise<string[]> {
    const answer = await this.api.request<{
      messages?: { sid: string; body?: string; date_created?: string }[];
    }>('GET', '/Messages.json', {
      To: text.to,
      From: text.from,
      'DateSent>': since.toISOString().slice(0, 10),
      PageSize: '50',
    });
    // Twilio's clock and ours may differ by a little; a minute's slack is far below any retry delay.
    const after = since.getTime() - 60_000;
    return (answer.messages ?? [])
      .filter((m) => m.body === text.body && (!m.date_created || Date.parse(m.date_created) >= after))
      .map((m) => m.sid);
  }

  /** Twilio's Pricing API: the current monthly price of a local number in the country. */
  async monthlyPrice(country: string): Promise<{ price: string; unit: string } | null> {
    const answer = await this.api.requestUrl<{
      phone_number_prices?: { number_type?: string; current_price?: string; base_price?: string }[];
      price_unit?: string;
    }>('GET', `${this.api.pricingBase}/v1/PhoneNumbers/Countries/${encodeURIComponent(country)}`);
    const local = answer.phone_number_prices?.find((p) => p.number_type === 'local');
    const price = local?.current_price ?? local?.base_price;
    if (!price || !/^\d{1,6}(\.\d{1,4})?$/.test(price) || !/^[A-Z]{3}$/.test(answer.price_unit ?? ''))
      return null;
    return { price, unit: answer.price_unit! };
  }

  /**
   * Only `{api}/2010-04-01/Accounts/{our account}/Messages/{sid}/Media/{sid}` is fetched (with the
   * account's credentials): a webhook naming any other URL would make us fetch, with our secret,
   * whatever an attacker chose (server-side request forgery). Its redirect to the CDN is followed
   * without the credentials.
   */
  async fetchMedia(url: string, maxBytes: number): Promise<{ contentType: string; data: Buffer }> {
    if (!this.isMediaUrl(url)) throw new Error('media URL is not on the provider’s media host');
    let next = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const own = new URL(next).origin === this.api.origin;
      const response = await fetch(next, {
        headers: own ? { authorization: this.api.authorization } : {},
        redirect: 'manual',
        signal: AbortSignal.timeout(30_000),
      });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        const target = new URL(location, next);
        if (
          !(
            target.origin === this.api.origin ||
            (target.protocol === 'https:' && CDN_HOST.test(target.hostname))
          )
        )
          throw new Error('media redirected off the provider’s hosts');
        next = target.toString();
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`media answered ${response.status}`);
      }
      const contentType = (response.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!;
      return { contentType: contentType.trim().toLowerCase(), data: await readCapped(response, maxBytes) };
    }
    throw new Error('media redirected too often');
  }

  isMediaUrl(url: string): boolean {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    const parts = parsed.pathname.split('/');
    const prefix = `${this.api.accountPath}/Messages/`;
    return (
      parsed.origin === this.api.origin &&
      parsed.username === '' &&
      parsed.password === '' &&
      parsed.pathname.startsWith(prefix) &&
      parts.length === 8 &&
      SID.test(parts[5]!) &&
      parts[6] === 'Media' &&
      SID.test(parts[7]!)
    );
  }

  validSignature(url: string, params: Record<string, string>, signature: string): boolean {
    return validateRequest(this.api.credentials.authToken, signature, url, params);
  }
}
