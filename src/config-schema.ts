import Type from 'typebox';

/**
 * Every setting Switchboard reads, declared once. Each key is the environment variable's name;
 * `description` feeds `switchboard config` and the README table, `secret` marks values that are
 * masked wherever the config is printed.
 */
const secret = { secret: true } as const;

export const ConfigSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], {
    default: 'development',
    description: 'Runtime mode. `production` turns off pretty logs and template reloading.',
  }),
  HOST: Type.String({
    default: '127.0.0.1',
    description: 'Address the HTTP server binds to (`0.0.0.0` for all).',
  }),
  PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535, description: 'HTTP port.' }),
  PUBLIC_URL: Type.Optional(
    Type.String({
      format: 'uri',
      description:
        'External base URL used in links and redirects (default `http://localhost:$PORT`). When it is https, plain-http requests are redirected.',
    }),
  ),
  DATA_DIR: Type.String({
    default: './data',
    description: 'Where the embedded database, uploaded files, logs and the generated secret key live.',
  }),
  SECRET_KEY: Type.Optional(
    Type.String({
      minLength: 32,
      description:
        'Master secret (≥ 32 chars) for signing and encryption. Generated into `DATA_DIR/secret-key` when unset.',
      ...secret,
    }),
  ),
  DATABASE_URL: Type.Optional(
    Type.String({
      pattern: '^postgres(ql)?://',
      description:
        'PostgreSQL connection URL. Unset: an embedded PostgreSQL is started in `DATA_DIR/postgres`.',
      ...secret,
    }),
  ),
  DATABASE_POOL_MAX: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 500,
      description:
        'Connections per process. Unset: twice the CPU count, at least 4 and at most 10 (more queries at once than the cores can run only make each slower).',
    }),
  ),
  DATABASE_STATEMENT_TIMEOUT_MS: Type.Integer({
    default: 30000,
    minimum: 0,
    description: 'Server-side statement timeout in milliseconds (0 = none).',
  }),
  DATABASE_SSL_MODE: Type.Union(
    [Type.Literal('disable'), Type.Literal('require'), Type.Literal('verify-full')],
    {
      default: 'disable',
      description:
        'TLS to PostgreSQL: `disable`, `require` (encrypt), `verify-full` (encrypt and verify the certificate).',
    },
  ),
  EMBEDDED_PG_PORT: Type.Integer({
    default: 0,
    minimum: 0,
    maximum: 65535,
    description: 'Port for the embedded PostgreSQL (0 = pick a free one).',
  }),
  MIGRATE_ON_START: Type.Boolean({
    default: true,
    description: 'Apply pending migrations when `serve` starts.',
  }),
  REDIS_URL: Type.Optional(
    Type.String({
      pattern: '^rediss?://',
      description:
        'Redis URL. Unset: sessions in PostgreSQL, cache and rate limits in memory, pub/sub over LISTEN/NOTIFY.',
      ...secret,
    }),
  ),
  REDIS_PREFIX: Type.String({ default: 'sb:', description: 'Prefix for every Redis key and channel.' }),
  WORKER_MODE: Type.Union([Type.Literal('inline'), Type.Literal('separate')], {
    default: 'inline',
    description:
      '`inline`: `serve` also runs background jobs. `separate`: run `switchboard worker` processes.',
  }),
  WORKER_CONCURRENCY: Type.Integer({
    default: 4,
    minimum: 1,
    maximum: 100,
    description: 'Jobs run at once per queue: each queue takes up to this many per poll (every second).',
  }),
  JOB_MAINTENANCE_INTERVAL_SECONDS: Type.Integer({
    default: 60,
    minimum: 1,
    description: 'How often the worker expires stuck jobs and applies retention.',
  }),
  CACHE_MAX_ENTRIES: Type.Integer({
    default: 10000,
    minimum: 1,
    description: 'In-memory cache size (without Redis).',
  }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info', description: 'Log level.' },
  ),
  LOG_FORMAT: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], {
    default: 'auto',
    description: '`auto`: pretty in development on a terminal, JSON otherwise.',
  }),
  TRUST_PROXY: Type.String({
    default: 'false',
    description:
      'Trust `X-Forwarded-*` from: `false`, `true` (any; refused in production), a hop count, or comma-separated IPs/CIDRs of your proxies.',
  }),
  CORS_ORIGINS: Type.String({
    default: '',
    description: 'Comma-separated origins allowed to call the API from browsers (empty = same origin only).',
  }),
  BODY_LIMIT_BYTES: Type.Integer({
    default: 1048576,
    minimum: 1024,
    description: 'Largest request body accepted.',
  }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({
    default: 15000,
    minimum: 100,
    description: 'How long a stopping process waits for requests and jobs to finish.',
  }),
  SIGNUP_ENABLED: Type.Boolean({
    default: true,
    description: 'Anyone may create a customer account. `false`: only admins invite users.',
  }),
  PASSWORD_MIN_LENGTH: Type.Integer({
    default: 12,
    minimum: 8,
    maximum: 64,
    description: 'Shortest password accepted (NIST SP 800-63B asks for at least 8; 12 is the default).',
  }),
  SESSION_ABSOLUTE_HOURS: Type.Integer({
    default: 24,
    minimum: 1,
    maximum: 720,
    description: 'A sign-in lasts at most this long, however active the user is.',
  }),
  SESSION_IDLE_MINUTES: Type.Integer({
    default: 480,
    minimum: 5,
    description: 'A session with no request for this long ends.',
  }),
  SESSION_LIMIT: Type.Integer({
    default: 5,
    minimum: 1,
    maximum: 100,
    description: 'Concurrent sessions per user; signing in beyond it ends the oldest.',
  }),
  AUTH_CACHE_SECONDS: Type.Integer({
    default: 10,
    minimum: 0,
    maximum: 300,
    description:
      'How long a node keeps a session and its user in memory between reads. Every change reaches every node at once (pub/sub, PostgreSQL notifications); this only bounds a lost message. 0 reads them on every request.',
  }),
  TICKET_LIST_CACHE_SECONDS: Type.Integer({
    default: 10,
    minimum: 0,
    maximum: 300,
    description:
      'How long a node keeps a ticket list it read, shared by everyone who sees the same rows. Any committed ticket change drops them all on every node at once; this only bounds a lost notice. 0 reads every list from the database.',
  }),
  OAUTH_SIGNING_ALG: Type.Union([Type.Literal('EdDSA'), Type.Literal('ES256')], {
    default: 'EdDSA',
    description: 'Algorithm of new token signing keys: `EdDSA` (Ed25519) or `ES256` (P-256).',
  }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({
    default: 600,
    minimum: 60,
    maximum: 86400,
    description:
      'Lifetime of access tokens (JWT). A retired signing key stays published this long after its last use.',
  }),
  REFRESH_TOKEN_IDLE_DAYS: Type.Integer({
    default: 14,
    minimum: 1,
    description:
      'An app that has not refreshed its tokens for this many days must ask the user to sign in again.',
  }),
  REFRESH_TOKEN_ABSOLUTE_DAYS: Type.Integer({
    default: 90,
    minimum: 1,
    description: 'However often an app refreshes, the user signs in to it again after this many days.',
  }),
  SEARCH_LANGUAGE: Type.String({
    default: 'english',
    pattern: '^[a-z_]{2,40}$',
    description:
      'PostgreSQL text search configuration for new tickets (stemming, stop words), e.g. `english`, `dutch`, `german`; searches also match words as typed.',
  }),
  ATTACHMENT_MAX_BYTES: Type.Integer({
    default: 10485760,
    minimum: 1024,
    maximum: 1073741824,
    description: 'Largest file a ticket attachment may be (bytes; default 10 MiB).',
  }),
  ATTACHMENT_MAX_PER_MESSAGE: Type.Integer({
    default: 5,
    minimum: 1,
    maximum: 50,
    description: 'Most files one upload request, or one ticket message, may carry.',
  }),
  NOTIFY_DIGEST_DELAY_SECONDS: Type.Integer({
    default: 60,
    minimum: 0,
    maximum: 86_400,
    description:
      'Ticket notifications wait this long, then everything pending for a person goes out as one mail (a digest when there are several).',
  }),
  KEY_ROTATION_DAYS: Type.Integer({
    default: 30,
    minimum: 1,
    description: 'Token signing keys are rotated when older than this many days (checked daily).',
  }),
  KEY_ROTATION_LEAD_HOURS: Type.Number({
    default: 24,
    minimum: 0,
    description:
      'A new signing key is published this long before it starts signing, so every verifier knows it first.',
  }),
  AUDIT_RETENTION_DAYS: Type.Integer({
    default: 400,
    minimum: 1,
    description:
      'Audit log entries older than this many days are purged nightly (the hash chain stays verifiable).',
  }),
  MFA_REQUIRED_ROLES: Type.String({
    default: 'admin,agent',
    description: 'Comma-separated roles that must use two-factor authentication, or `none`.',
  }),
  MAIL_TRANSPORT: Type.Union([Type.Literal('outbox'), Type.Literal('smtp'), Type.Literal('resend')], {
    default: 'outbox',
    description:
      '`outbox`: keep mail in the dev outbox (/admin/outbox); `smtp`: send via SMTP_URL; `resend`: via the Resend API.',
  }),
  SMTP_URL: Type.Optional(
    Type.String({
      pattern: '^smtps?://',
      description: 'SMTP server, e.g. `smtps://user:pass@mail.example.com:465`.',
      ...secret,
    }),
  ),
  RESEND_API_KEY: Type.Optional(
    Type.String({ minLength: 8, description: 'Resend API key (MAIL_TRANSPORT=resend).', ...secret }),
  ),
  RESEND_API_URL: Type.String({
    default: 'https://api.resend.com',
    format: 'uri',
    description: 'Resend API base URL (change only to reach a proxy or a test double).',
  }),
  SMS_TRANSPORT: Type.Union([Type.Literal('outbox'), Type.Literal('twilio')], {
    default: 'outbox',
    description: '`outbox`: keep texts in the dev outbox; `twilio`: send through Twilio.',
  }),
  TWILIO_ACCOUNT_SID: Type.Optional(
    Type.String({ pattern: '^AC[0-9a-fA-F]{32}$', description: 'Twilio account SID (AC…).' }),
  ),
  TWILIO_AUTH_TOKEN: Type.Optional(
    Type.String({ minLength: 16, description: 'Twilio auth token.', ...secret }),
  ),
  TWILIO_FROM: Type.Optional(
    Type.String({
      pattern: '^(\\+[1-9][0-9]{6,14}|MG[0-9a-fA-F]{32})$',
      description: 'Sending number (E.164) or Messaging Service SID (MG…).',
    }),
  ),
  TWILIO_API_URL: Type.String({
    default: 'https://api.twilio.com',
    format: 'uri',
    description: 'Twilio REST API base URL (change only to reach a proxy or a test double).',
  }),
  SMS_NEW_SENDERS: Type.Union([Type.Literal('create'), Type.Literal('reject')], {
    default: 'create',
    description:
      'A text to a team line from a phone no user has verified: `create` opens a ticket for a new unverified customer; `reject` takes no ticket.',
  }),
  SMS_QUIET_HOURS: Type.Integer({
    default: 24,
    minimum: 1,
    maximum: 8760,
    description:
      'A text on a line within this many hours of the last one with that phone continues its ticket; later, it opens a new one.',
  }),
  SMS_SEGMENTS_WARN: Type.Integer({
    default: 3,
    minimum: 1,
    maximum: 10,
    description:
      'The inbox composer warns when an answer to a text would go out as more than this many SMS parts (each is billed).',
  }),
  SMS_HELP_TEXT: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 320,
      description:
        'The answer to a text that says HELP (carriers require one). Default: a sentence in the sender’s language saying the line reaches the support team and how to stop.',
    }),
  ),
  SMS_MEDIA_MAX_BYTES: Type.Integer({
    default: 5_242_880,
    minimum: 65_536,
    maximum: 26_214_400,
    description:
      'Largest MMS attachment fetched from the provider (bytes, default 5 MiB, Twilio’s own limit).',
  }),
  MAIL_FROM: Type.String({
    default: 'Switchboard <no-reply@localhost>',
    description:
      'Sender of the mail Switchboard sends, e.g. `Help <help@example.com>`. Its domain must be one your mail provider lets you send from.',
  }),
  SUPPORT_ADDRESSES: Type.String({
    default: '',
    description:
      'Comma-separated addresses the email channel takes mail for (`support@example.com,billing@example.com`), besides those added on /admin/mail; the first also signs reply addresses. Empty: the address of MAIL_FROM.',
  }),
  EMAIL_NEW_SENDERS: Type.Union([Type.Literal('create'), Type.Literal('reject')], {
    default: 'create',
    description:
      'Mail from an unknown address: `create` opens a ticket for a new unverified customer; `reject` quarantines it.',
  }),
  EMAIL_NEW_TICKETS_PER_HOUR: Type.Integer({
    default: 5,
    minimum: 1,
    maximum: 1000,
    description:
      'New tickets one sender may open by mail in an hour; more are quarantined (mail storms, loops).',
  }),
  INBOUND_MAX_BYTES: Type.Integer({
    default: 26_214_400,
    minimum: 65_536,
    maximum: 104_857_600,
    description: 'Largest mail taken in (bytes, default 25 MiB); the SMTP listener answers 552 beyond it.',
  }),
  MAIL_FORWARD_SECRET: Type.Optional(
    Type.String({
      minLength: 32,
      description:
        'Turns on `POST /api/v1/mail/inbound` for raw mail a routing worker forwards, signed with this secret (README: Email).',
      ...secret,
    }),
  ),
  INBOUND_SMTP_PORT: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 65535,
      description:
        'Port of the built-in SMTP listener for incoming mail (off when unset; 25 behind an MX record).',
    }),
  ),
  INBOUND_SMTP_HOST: Type.String({
    default: '127.0.0.1',
    description: 'Address the SMTP listener binds to (`0.0.0.0` to take mail from the internet).',
  }),
  INBOUND_SMTP_TLS_CERT: Type.Optional(
    Type.String({
      description: 'PEM certificate file for STARTTLS on the SMTP listener (with INBOUND_SMTP_TLS_KEY).',
    }),
  ),
  INBOUND_SMTP_TLS_KEY: Type.Optional(
    Type.String({ description: 'PEM private key file for STARTTLS on the SMTP listener.' }),
  ),
  INBOUND_SMTP_MAX_CONNECTIONS_PER_IP: Type.Integer({
    default: 10,
    minimum: 1,
    maximum: 1000,
    description: 'Simultaneous SMTP connections one address may hold.',
  }),
  INBOUND_SMTP_MESSAGES_PER_MINUTE: Type.Integer({
    default: 60,
    minimum: 1,
    maximum: 100_000,
    description: 'Mails one sending address (IP) may deliver per minute; more get a 421 to retry later.',
  }),
  MAIL_POLL_SECONDS: Type.Integer({
    default: 60,
    minimum: 1,
    maximum: 3600,
    description:
      'How often IMAP mailboxes (/admin/mail/mailboxes) are read. A server offering IDLE announces new mail at once; this is then the safety net.',
  }),
  METRICS_TOKEN: Type.Optional(
    Type.String({
      minLength: 16,
      description: 'When set, `/metrics` requires `Authorization: Bearer <token>`.',
      ...secret,
    }),
  ),
});
