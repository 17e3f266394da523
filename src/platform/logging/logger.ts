import { pino, type Logger } from 'pino';
import type { Config } from '../../config.js';

/**
 * Paths never written to logs. Pino redacts them before serialising, so a token in a header or a
 * password in a logged object cannot reach the log sink (OWASP ASVS 5.0 V16.2.5).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.secret',
  '*.SECRET_KEY',
  '*.DATABASE_URL',
  '*.REDIS_URL',
  '*.SMTP_URL',
  '*.RESEND_API_KEY',
  '*.TWILIO_AUTH_TOKEN',
];

export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'LOG_FORMAT' | 'NODE_ENV'>): Logger {
  const pretty =
    config.LOG_FORMAT === 'pretty' ||
    (config.LOG_FORMAT === 'auto' && config.NODE_ENV === 'development' && process.stdout.isTTY === true);
  return pino({
    level: config.LOG_LEVEL,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
  });
}
