import { promises as dns } from 'node:dns';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { authenticate } from 'mailauth';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { bareAddress } from '../../../platform/mail/threading/addresses.js';
import { ticketFromAddress } from '../../../platform/mail/threading/reply-address.js';
import type { Platform } from '../../../platform/runtime.js';
import { supportAddresses } from '../addresses.js';
import { acceptMail } from '../inbound/accept.js';
import { countMailIn } from '../inbound/counters.js';

/** More recipients than this in one envelope is a list or an attack, not a support mail. */
const MAX_RECIPIENTS = 100;
/** How long the accepted-address list is reused before it is read again. */
const ADDRESSES_TTL_MS = 10_000;

/** Answers DNS questions for SPF, DKIM and DMARC (mailauth's resolver); tests give their own. */
export type DnsResolver = (name: string, type: string) => Promise<string[] | string[][]>;

/**
 * How long a DNS answer (or a domain's absence) is reused: every mail asks for its sender
 * domain's SPF and DMARC records, and a busy sender sends many. Short, so a changed record counts
 * within a minute; failures (timeouts, SERVFAIL) are never kept.
 */
const DNS_ANSWER_MS = 60_000;
const DNS_ANSWERS_KEPT = 10_000;

/** The system resolver behind a small cache; a question already on its way is not asked twice. */
export function cachingResolver(resolve: DnsResolver = dns.resolve as DnsResolver): DnsResolver {
  const answers = new Map<string, { at: number; answer: ReturnType<DnsResolver> }>();
  return (name, type) => {
    const key = `${type} ${name.toLowerCase()}`;
    const kept = answers.get(key);
    if (kept && Date.now() - kept.at < DNS_ANSWER_MS) return kept.answer;
    const answer = resolve(name, type);
    answers.delete(key);
    answers.set(key, { at: Date.now(), answer });
    if (answers.size > DNS_ANSWERS_KEPT) answers.delete(answers.keys().next().value!);
    answer.catch((error: { code?: string }) => {
      if (error.code !== 'ENOTFOUND' && error.code !== 'ENODATA') answers.delete(key);
    });
    return answer;
  };
}

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

const refuse = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/**
 * The built-in SMTP listener (INBOUND_SMTP_PORT): takes mail for the support addresses and their
 * signed reply addresses only (anything else: 550 at RCPT, before any data is sent), up to
 * INBOUND_MAX_BYTES (552 beyond), with per-address connection and message limits (421, try again
 * later). Each mail's sender is checked (SPF, DKIM, DMARC with `mailauth`) and the mail is stored
 * with its processing job before the 250 goes out: a crash after it loses nothing.
 */
export async function startSmtpListener(
  platform: Platform,
  options: { port?: number; host?: string; resolver?: DnsResolver } = {},
): Promise<SmtpListener> {
  const { config, logger } = platform;
  const log = logger.child({ component: 'smtp' });
  /** A refusal at the door, counted (outcome `rejected`): it never becomes a stored mail. */
  const rejected = (code: number, message: string) => {
    void countMailIn(platform, 'rejected');
    return refuse(code, message);
  };
  const tls =
    config.INBOUND_SMTP_TLS_CERT && config.INBOUND_SMTP_TLS_KEY
      ? { cert: readFileSync(config.INBOUND_SMTP_TLS_CERT), key: readFileSync(config.INBOUND_SMTP_TLS_KEY) }
      : undefined;
  const resolver = options.resolver ?? cachingResolver();
  const connections = new Map<string, number>();
  const recentMail = new Map<string, number[]>();
  let addresses: { at: number; set: Set<string> } | undefined;
  const accepted = async (): Promise<Set<string>> => {
    if (!addresses || Date.now() - addresses.at > ADDRESSES_TTL_MS)
      addresses = { at: Date.now(), set: await supportAddresses(platform.database.system, config) };
    return addresses.set;
  };

  const server = new SMTPServer({
    name: hostName(config.PUBLIC_URL),
    banner: 'Switchboard',
    size: config.INBOUND_MAX_BYTES,
    authOptional: true,
    disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(tls ?? {}),
    logger: false,
    onConnect(session, callback) {
      const ip = session.remoteAddress;
      const open = connections.get(ip) ?? 0;
      if (open >= config.INBOUND_SMTP_MAX_CONNECTIONS_PER_IP)
        return callback(rejected(421, 'Too many connections from your address, try again later'));
      connections.set(ip, open + 1);
      callback();
    },
    onClose(session) {
      const ip = session.remoteAddress;
      const open = (connections.get(ip) ?? 1) - 1;
      if (open <= 0) connections.delete(ip);
      else connections.set(ip, open);
    },
    onMailFrom(_address, session, callback) {
      const now = Date.now();
      const times = (recentMail.get(session.remoteAddress) ?? []).filter((t) => now - t < 60_000);
      if (times.length >= config.INBOUND_SMTP_MESSAGES_PER_MINUTE)
        return callback(rejected(421, 'Too many messages from your address, try again later'));
      times.push(now);
      recentMail.set(session.remoteAddress, times);
      callback();
    },
    onRcptTo(address, session, callback) {
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS)
        return callback(refuse(452, 'Too many recipients'));
      accepted()
        .then((ours) => {
          if (takesMailFor(address.address, ours, config.SECRET_KEY!)) callback();
          else callback(rejected(550, 'No such recipient here'));
        })
        .catch((error: Error) => callback(refuse(451, `Try again later (${error.name})`)));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      // Past the limit the rest is read and dropped: a mail too large is never held whole.
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= config.INBOUND_MAX_BYTES) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (size > config.INBOUND_MAX_BYTES)
          return callback(rejected(552, `Message too large (at most ${config.INBOUND_MAX_BYTES} bytes)`));
        take(Buffer.concat(chunks), session)
          .then((answer) => callback(null, answer))
          .catch((error: Error) => {
            log.error({ err: error }, 'incoming mail not stored');
            callback(refuse(451, 'Could not store the message, try again later'));
          });
      });
    },
  });

  async function take(raw: Buffer, session: SMTPServerSession): Promise<string> {
    const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const authentication = await authenticate(raw, {
      ip: session.remoteAddress,
      helo: session.hostNameAppearsAs,
      sender: envelopeFrom,
      mta: hostName(config.PUBLIC_URL),
      resolver,
    }).catch(() => null);
    const stored = await acceptMail(platform, {
      raw,
      source: 'smtp',
      envelopeFrom,
      envelopeTo: session.envelope.rcptTo.map((r: SMTPServerAddress) => r.address),
      remoteIp: session.remoteAddress,
      authentication: authentication
        ? { spf: authentication.spf, dkim: authentication.dkim, dmarc: authentication.dmarc }
        : null,
    });
    return stored.duplicate ? 'Already have it, thank you' : `Queued as ${stored.id}`;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(
      options.port ?? config.INBOUND_SMTP_PORT ?? 0,
      options.host ?? config.INBOUND_SMTP_HOST,
      () => {
        server.off('error', reject);
        resolve();
      },
    );
  });
  server.on('error', (error) => log.warn({ err: error }, 'smtp connection error'));
  const port = (server.server.address() as AddressInfo).port;
  log.info({ port }, 'SMTP listener is taking mail');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A support address, or a signed reply address of one (`support+SB-10423.tag@…`). */
function takesMailFor(address: string, ours: Set<string>, secretKey: string): boolean {
  const bare = bareAddress(address);
  if (ours.has(bare)) return true;
  const signed = ticketFromAddress(bare, secretKey);
  return signed !== null && ours.has(bareAddress(signed.base));
}

const hostName = (publicUrl: string | undefined) => {
  try {
    return new URL(publicUrl ?? 'http://localhost').hostname;
  } catch {
    return 'localhost';
  }
};
