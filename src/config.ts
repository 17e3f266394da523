import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { ConfigSchema } from './config-schema.js';
import { firstSchemaError } from './shared/schema-errors.js';

export type ConfigInput = Static<typeof ConfigSchema>;

/** The validated, frozen settings, plus values derived from them once at boot. */
export type Config = Readonly<
  ConfigInput & {
    PUBLIC_URL: string;
    DATA_DIR: string;
    /** Always present after `resolveSecretKey`; absent only in `loadConfig`'s raw result. */
    SECRET_KEY?: string;
  }
>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const properties = ConfigSchema.properties as Record<
  string,
  TSchema & { description?: string; secret?: boolean }
>;

export function isSecretSetting(key: string): boolean {
  return properties[key]?.secret === true;
}

export interface SettingSchema {
  type?: string;
  anyOf?: { const: unknown }[];
  description?: string;
  default?: unknown;
}

export function settingDescriptions(): { key: string; schema: SettingSchema }[] {
  return Object.entries(properties).map(([key, schema]) => ({ key, schema: schema as SettingSchema }));
}

/**
 * Validates `env` (process.env merged with `.env`) against the schema. Empty strings count as unset,
 * so `FOO=` in a .env file falls back to the default instead of failing.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const withDefaults = Value.Default(ConfigSchema, { ...raw });
  const converted = Value.Convert(ConfigSchema, withDefaults) as Record<string, unknown>;
  const invalid = firstSchemaError(ConfigSchema, converted);
  if (invalid) {
    const key = invalid.pointer.replace(/^\//, '');
    const shown = isSecretSetting(key) ? '(hidden)' : JSON.stringify(env[key]);
    throw new ConfigError(`Invalid setting ${key}=${shown}: ${describeError(key, invalid.message)}`);
  }
  checkTrustProxy(converted.TRUST_PROXY as string, converted.NODE_ENV as string);
  checkTransports(converted);
  const port = converted.PORT as number;
  const publicUrl = (
    (converted.PUBLIC_URL as string | undefined) ?? `http://localhost:${port || 3000}`
  ).replace(/\/$/, '');
  return Object.freeze({ ...(converted as ConfigInput), PUBLIC_URL: publicUrl });
}

function describeError(key: string, message: string): string {
  const schema = properties[key] as { anyOf?: { const?: unknown }[] } | undefined;
  if (schema?.anyOf) return `must be one of ${schema.anyOf.map((s) => String(s.const)).join(', ')}`;
  return message;
}

/** A transport is only as good as its settings: name the one that is missing. */
function checkTransports(config: Record<string, unknown>): void {
  const needs: [setting: string, value: string, required: string[]][] = [
    ['MAIL_TRANSPORT', 'smtp', ['SMTP_URL']],
    ['MAIL_TRANSPORT', 'resend', ['RESEND_API_KEY']],
    ['SMS_TRANSPORT', 'twilio', ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM']],
  ];
  for (const [setting, value, required] of needs) {
    const missing = config[setting] === value ? required.find((key) => !config[key]) : undefined;
    if (missing)
      throw new ConfigError(
        `Invalid setting ${setting}=${JSON.stringify(value)}: ${missing} must be set too`,
      );
  }
}

function checkTrustProxy(value: string, nodeEnv: string): void {
  // Trusting every peer lets any client write its own X-Forwarded-For, and so choose the address
  // that rate limits, audit entries and the dev outbox see (OWASP ASVS 5.0 V4.1.3): not in production.
  if (value === 'true' && nodeEnv === 'production')
    throw new ConfigError(
      'Invalid setting TRUST_PROXY="true": in production, list your proxies\' addresses or CIDRs (e.g. TRUST_PROXY=10.0.0.0/8,127.0.0.1) or their hop count; "true" would let any client set its own IP address',
    );
  if (/^(true|false|\d+)$/.test(value)) return;
  const parts = value.split(',').map((p) => p.trim());
  if (parts.every((p) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(p))) return;
  throw new ConfigError(
    `Invalid setting TRUST_PROXY=${JSON.stringify(value)}: must be true, false, a hop count or IPs/CIDRs`,
  );
}

/** Parsed form of TRUST_PROXY in the shape Fastify's `trustProxy` option takes. */
export function trustProxyOption(config: Config): boolean | number | string[] {
  const v = config.TRUST_PROXY;
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((p) => p.trim());
}

/** The config as printable key/value pairs with secrets and URL passwords masked. */
export function maskedConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(properties)) {
    const value = (config as Record<string, unknown>)[key];
    if (value === undefined) out[key] = undefined;
    else if (isSecretSetting(key)) out[key] = maskSecret(key, String(value));
    else out[key] = value;
  }
  return out;
}

function maskSecret(key: string, value: string): string {
  if (key.endsWith('_URL')) {
    try {
      const url = new URL(value);
      if (url.password) url.password = '****';
      return url.toString();
    } catch {
      return '****';
    }
  }
  return '****';
}
