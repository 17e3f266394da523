import { type Logger, type LoggerOptions, pino } from 'pino';
import type { Config } from '../../config.js';
import { redactSecrets, redactUrl } from './redact-url.js';

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

/** An error as pino writes it, with any secret in its message or stack (a URL with a token) cut out. */
function errWithoutSecrets(error: unknown): unknown {
  const out = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  if (!out || typeof out !== 'object') return out;
  for (const key of ['message', 'stack', 'url', 'path'])
    if (typeof out[key] === 'string') out[key] = redactSecrets(out[key] as string);
  return out;
}

/** A request as pino writes it (Fastify's own lines, anything logging `req`): its URL without secrets. */
function reqWithoutSecrets(req: unknown): unknown {
  if (!req || typeof req !== 'object') return req;
  const { method, url, hostname, ip } = req as Record<string, unknown>;
  return { method, url: typeof url === 'string' ? redactUrl(url) : url, hostname, ip };
}

/**
 * What every logger of the process shares: the level, redacted paths, serializers that cut
 * secrets out of URLs and errors, and message strings scrubbed the same way.
 */
export function logOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: errWithoutSecrets, error: errWithoutSecrets, req: reqWithoutSecrets },
    hooks: { logMethod: scrubbed },
    // Any logged object's own `url` (the request line, a client's callback) goes the same way.
    formatters: {
      log: (object) => (typeof object.url === 'string' ? { ...object, url: redactUrl(object.url) } : object),
    },
  };
}

/** pino's logMethod hook: string arguments (the message and its format values) without secrets. */
function scrubbed(this: Logger, args: unknown[], method: (...a: unknown[]) => void): void {
  method.apply(
    this,
    args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a)),
  );
}

/** Lines at this level and above are written at once, with whatever is waiting before them. */
const WRITE_AT_ONCE = pino.levels.values.warn!;

/**
 * stdout in batches: one write per 4 kB of lines, or every 250 ms. A write to a pipe or socket
 * wakes its reader, and on small VMs that cost a request-log line more than building it: one
 * write per request took 8-10 % of a search's throughput (bench/README.md). Warnings and errors
 * go out at once, so nothing that matters waits; the rest goes out on exit (not on SIGKILL: at
 * most the last 250 ms of request lines are lost then). Synchronous, so lines keep their order.
 */
function batchedStdout(fd: number) {
  const destination = pino.destination({ dest: fd, sync: true, minLength: 4096, periodicFlush: 250 });
  process.once('exit', () => destination.flushSync());
  return destination;
}

/** The process's logger: JSON lines on stdout (`fd`, for tests), or pretty ones for a developer. */
export function createLogger(
  config: Pick<Config, 'LOG_LEVEL' | 'LOG_FORMAT' | 'NODE_ENV'>,
  fd: number = process.stdout.fd,
): Logger {
  const pretty =
    config.LOG_FORMAT === 'pretty' ||
    (config.LOG_FORMAT === 'auto' && config.NODE_ENV === 'development' && process.stdout.isTTY === true);
  const options = { ...logOptions(config.LOG_LEVEL), base: { pid: process.pid } };
  if (pretty)
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } },
    });
  const destination = batchedStdout(fd);
  return pino(
    {
      ...options,
      hooks: {
        logMethod(args, method, level) {
          scrubbed.call(this, args, method);
          if (level >= WRITE_AT_ONCE) destination.flush();
        },
      },
    },
    destination,
  );
}
