import type { Kysely, Transaction } from 'kysely';
import type { Config } from '../../../config.js';
import { findUserByEmail, findUserSummaryById } from '../../../identity/users/repo.js';
import { recordAudit } from '../../../platform/audit/record.js';
import type { ActorType } from '../../../platform/audit/table.js';
import type { DB } from '../../../platform/db/schema.js';
import type { AvailableNumber, NumberWebhooks, SmsNumberProvider } from '../../../platform/sms/numbers.js';
import { E164 } from '../../../platform/sms/port.js';
import { SmsProviderError } from '../../../platform/sms/twilio-api.js';
import { AppError, type FieldError } from '../../../shared/errors.js';
import { findNumber, insertNumber, listNumbers, type NumberRow, updateNumber } from './repo.js';

/** Who acts, for the audit log: a signed-in administrator, an API client or the CLI. */
export interface NumberActor {
  type: ActorType;
  id: string | null;
  ip?: string | null;
  requestId?: string | null;
}

/** Where the provider must send a number's texts and delivery reports: this instance's webhooks. */
export const webhooksFor = (config: Pick<Config, 'PUBLIC_URL'>): NumberWebhooks => ({
  smsUrl: `${config.PUBLIC_URL}/webhooks/twilio/sms`,
  statusUrl: `${config.PUBLIC_URL}/webhooks/twilio/status`,
});

const COUNTRY = /^[A-Z]{2}$/;
const AREA_CODE = /^[0-9]{1,6}$/;
const CONTROL = /\p{Cc}/u;

const MESSAGES: Record<string, string> = {
  country: 'Give a two-letter country code, such as US, GB or NL.',
  areaCode: 'An area code is 1 to 6 digits.',
  e164: 'Give the number in E.164 form, such as +14155550100.',
  ownerId: 'There is no active user with that id.',
  owner: 'There is no active user with that email address.',
  categoryId: 'There is no such category.',
  label: 'A label is at most 80 characters on one line.',
};

function refuse(field: string, code: 'validation_failed' = 'validation_failed'): never {
  const error: FieldError = {
    pointer: `/body/${field}`,
    detail: MESSAGES[field]!,
    said: { key: `sms:numbers.errors.${field}` },
  };
  throw new AppError(code, error.detail, { errors: [error], said: error.said! });
}

/** Numbers need the provider; in dev-outbox mode there is none to talk to. */
export function providerOrRefuse(provider: SmsNumberProvider | null): SmsNumberProvider {
  if (provider) return provider;
  const detail = 'Connect Twilio first: set SMS_TRANSPORT=twilio with its account SID and auth token.';
  throw new AppError('conflict', detail, { said: { key: 'sms:numbers.errors.noProvider' } });
}

/**
 * The provider's answer as a refusal the administrator can act on (21452: the number was sold
 * meanwhile; 21421: not a valid number …), never a 500, and never the request it answered.
 */
async function atProvider<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof SmsProviderError)) throw error;
    const detail = `Twilio refused: ${error.code ?? error.status} ${error.providerMessage}`.trim();
    throw new AppError('conflict', detail, {
      said: {
        key: 'sms:numbers.errors.provider',
        values: { code: error.code ?? error.status, message: error.providerMessage },
      },
      providerCode: error.code,
    });
  }
}

/** The owner a form names by email: an active user's id, blank for a team line. */
export async function ownerByEmail(db: Kysely<DB> | Transaction<DB>, email: string): Promise<string | null> {
  if (!email.trim()) return null;
  const user = await findUserByEmail(db, email);
  if (user?.status !== 'active') refuse('owner');
  return user.id;
}

export async function searchAvailable(
  provider: SmsNumberProvider | null,
  query: { country: string; areaCode?: string | undefined },
): Promise<AvailableNumber[]> {
  const country = query.country.trim().toUpperCase();
  if (!COUNTRY.test(country)) refuse('country');
  const areaCode = query.areaCode?.trim() || undefined;
  if (areaCode !== undefined && !AREA_CODE.test(areaCode)) refuse('areaCode');
  const found = providerOrRefuse(provider);
  return atProvider(() => found.searchNumbers({ country, ...(areaCode ? { areaCode } : {}) }));
}

export interface Assignment {
  ownerId?: string | null;
  categoryId?: string | null;
  label?: string | null;
}

async function cleanAssignment(db: Kysely<DB> | Transaction<DB>, input: Assignment) {
  const out: Partial<Pick<NumberRow, 'owner_id' | 'category_id' | 'label'>> = {};
  if (input.ownerId !== undefined) {
    if (input.ownerId) {
      const owner = await findUserSummaryById(db, input.ownerId);
      if (owner?.status !== 'active') refuse('ownerId');
    }
    out.owner_id = input.ownerId || null;
  }
  if (input.categoryId !== undefined) out.category_id = input.categoryId || null;
  if (input.label !== undefined) {
    const label = input.label?.trim() || null;
    if (label !== null && (label.length > 80 || CONTROL.test(label))) refuse('label');
    out.label = label;
  }
  return out;
}

/** A category id that is no category (foreign key 23503) is the administrator's input, not a 500. */
async function knownCategory<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const e = error as { code?: string; constraint?: string };
    if (e.code === '23503' && e.constraint?.includes('category')) refuse('categoryId');
    if (e.code === '22P02') refuse('categoryId');
    throw error;
  }
}

const audit = (trx: Transaction<DB>, actor: NumberActor, action: string, row: NumberRow, details: object) =>
  recordAudit(trx, {
    actor: { type: actor.type, id: actor.id },
    action: `sms.number_${action}`,
    target: { type: 'sms_number', id: row.id },
    outcome: 'success',
    ip: actor.ip ?? null,
    requestId: actor.requestId ?? null,
    details: { e164: row.e164, providerSid: row.provider_sid, ...details },
  });

/**
 * Buys a number at the provider with its SMS and status webhooks pointing here (one call), then
 * records it: a personal line when it has an owner, else a team line.
 */
export async function buyNumber(
  trx: Transaction<DB>,
  provider: SmsNumberProvider | null,
  config: Pick<Config, 'PUBLIC_URL'>,
  actor: NumberActor,
  input: Assignment & { e164: string; country?: string },
): Promise<NumberRow> {
  const e164 = input.e164.trim();
  if (!E164.test(e164)) refuse('e164');
  const country = (input.country ?? '').trim().toUpperCase() || countryOf(e164);
  if (!COUNTRY.test(country)) refuse('country');
  const assignment = await cleanAssignment(trx, input);
  const found = providerOrRefuse(provider);
  const hooks = webhooksFor(config);
  const bought = await atProvider(() => found.buyNumber(e164, hooks));
  // The fee counts in the cost; a number bought while the Pricing API is down is bought all the same.
  const fee = await found.monthlyPrice(country).catch(() => null);
  const row = await knownCategory(() =>
    insertNumber(trx, {
      e164: bought.e164,
      provider_sid: bought.sid,
      country,
      sms: bought.capabilities.sms,
      mms: bought.capabilities.mms,
      voice: bought.capabilities.voice,
      owner_id: assignment.owner_id ?? null,
      category_id: assignment.category_id ?? null,
      label: assignment.label ?? null,
      sms_url: bought.smsUrl,
      status_url: bought.statusUrl,
      monthly_price: fee?.price ?? null,
      price_unit: fee?.unit ?? null,
    }),
  );
  await audit(trx, actor, 'bought', row, { ownerId: row.owner_id });
  return row;
}

/** The country of the few prefixes a buyer names without saying (else they must give it). */
function countryOf(e164: string): string {
  if (e164.startsWith('+1')) return 'US';
  if (e164.startsWith('+31')) return 'NL';
  if (e164.startsWith('+44')) return 'GB';
  return '';
}

/** Gives a number to a person (their own line), or to the team (`ownerId: null`), with a category. */
export async function assignNumber(
  trx: Transaction<DB>,
  actor: NumberActor,
  id: string,
  input: Assignment,
): Promise<NumberRow> {
  const current = await findNumber(trx, id);
  if (!current || current.released_at) throw new AppError('not_found', 'There is no such number.');
  const changes = await cleanAssignment(trx, input);
  const row = await knownCategory(() => updateNumber(trx, id, changes));
  if (!row) throw new AppError('not_found', 'There is no such number.');
  await audit(trx, actor, 'assigned', row, {
    from: current.owner_id,
    to: row.owner_id,
    categoryId: row.category_id,
  });
  return row;
}

/** Gives the number back to the provider; its row and texts stay, marked released. */
export async function releaseNumber(
  trx: Transaction<DB>,
  provider: SmsNumberProvider | null,
  actor: NumberActor,
  id: string,
): Promise<NumberRow> {
  const current = await findNumber(trx, id);
  if (!current || current.released_at) throw new AppError('not_found', 'There is no such number.');
  const found = providerOrRefuse(provider);
  await atProvider(() => found.releaseNumber(current.provider_sid));
  const row = (await updateNumber(trx, id, { released_at: new Date(), owner_id: null }))!;
  await audit(trx, actor, 'released', row, { ownerId: current.owner_id });
  return row;
}

export interface WebhookCheck {
  id: string;
  e164: string;
  smsUrl: string | null;
  statusUrl: string | null;
  /** Both webhooks point here. */
  ok: boolean;
  /** Pointed elsewhere and set right again by this check. */
  fixed: boolean;
  /** The provider no longer has the number (released at its console). */
  missing: boolean;
}

/**
 * Compares where the provider sends each held number's texts with this instance's webhooks, and
 * (with `fix`) points those that go elsewhere back here: a number moved to another app at the
 * console, or a PUBLIC_URL that changed.
 */
export async function checkWebhooks(
  db: Kysely<DB>,
  provider: SmsNumberProvider | null,
  config: Pick<Config, 'PUBLIC_URL'>,
  fix: boolean,
): Promise<WebhookCheck[]> {
  const found = providerOrRefuse(provider);
  const hooks = webhooksFor(config);
  const remote = new Map((await atProvider(() => found.listNumbers())).map((n) => [n.sid, n]));
  const results: WebhookCheck[] = [];
  for (const row of await listNumbers(db)) {
    const there = remote.get(row.provider_sid);
    if (!there) {
      results.push({
        id: row.id,
        e164: row.e164,
        smsUrl: null,
        statusUrl: null,
        ok: false,
        fixed: false,
        missing: true,
      });
      continue;
    }
    const ok = there.smsUrl === hooks.smsUrl && there.statusUrl === hooks.statusUrl;
    let current = there;
    if (!ok && fix) current = await atProvider(() => found.configureNumber(row.provider_sid, hooks));
    await updateNumber(db, row.id, {
      sms_url: current.smsUrl,
      status_url: current.statusUrl,
      webhooks_checked_at: new Date(),
    });
    results.push({
      id: row.id,
      e164: row.e164,
      smsUrl: current.smsUrl,
      statusUrl: current.statusUrl,
      ok,
      fixed: !ok && fix && current.smsUrl === hooks.smsUrl,
      missing: false,
    });
  }
  return results;
}
