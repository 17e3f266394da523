/** What a provider's number can carry. */
export interface NumberCapabilities {
  sms: boolean;
  mms: boolean;
  voice: boolean;
}

/** A number the provider offers for sale. */
export interface AvailableNumber {
  e164: string;
  friendlyName: string;
  locality: string | null;
  region: string | null;
  country: string;
  capabilities: NumberCapabilities;
}

/** A number the account holds, with where it sends texts and delivery reports. */
export interface ProviderNumber {
  sid: string;
  e164: string;
  capabilities: NumberCapabilities;
  smsUrl: string | null;
  statusUrl: string | null;
}

export interface NumberWebhooks {
  smsUrl: string;
  statusUrl: string;
}

/** A text to send from one of the numbers. */
export interface TextOut {
  from: string;
  to: string;
  body: string;
  statusCallback: string;
}

/**
 * The provider's side of the numbers a team holds: search, buy (webhooks set in the same call),
 * point at us again, release; the inbound media it hosts; and the signature it puts on webhooks.
 */
export interface SmsNumberProvider {
  searchNumbers(query: { country: string; areaCode?: string }): Promise<AvailableNumber[]>;
  buyNumber(e164: string, hooks: NumberWebhooks): Promise<ProviderNumber>;
  configureNumber(sid: string, hooks: NumberWebhooks): Promise<ProviderNumber>;
  listNumbers(): Promise<ProviderNumber[]>;
  releaseNumber(sid: string): Promise<void>;
  /** What a local number in `country` costs a month, when the provider says. */
  monthlyPrice(country: string): Promise<{ price: string; unit: string } | null>;
  /** Hands a text to the provider; answers its message SID and first status. */
  sendText(text: TextOut): Promise<{ sid: string; status: string }>;
  /**
   * The SIDs of texts from `from` to `to` with this body that the provider took at or after
   * `since`: after a crash between sending and recording, whether that attempt got through.
   */
  findSentTexts(text: Omit<TextOut, 'statusCallback'>, since: Date): Promise<string[]>;
  /** An MMS attachment, only from the provider's own media host, refused past `maxBytes`. */
  fetchMedia(url: string, maxBytes: number): Promise<{ contentType: string; data: Buffer }>;
  /** Whether `signature` is the provider's for a request to `url` with these form fields. */
  validSignature(url: string, params: Record<string, string>, signature: string): boolean;
}
