import { ImapFlow } from 'imapflow';
import type { MailboxTls } from './table.js';

/** Where and how to sign in to one mailbox, the password opened. */
export interface MailboxAccess {
  host: string;
  port: number;
  tls: MailboxTls;
  username: string;
  password: string;
  folder: string;
  doneFolder: string;
}

const CONNECT_TIMEOUT_MS = 20_000;
const GREETING_TIMEOUT_MS = 16_000;

/**
 * An IMAP client for a mailbox. `starttls` requires the upgrade (imapflow would otherwise carry on
 * in clear text when a man in the middle strips STARTTLS from the capability list); certificates
 * are verified. IDLE is started by the poller itself, not on imapflow's inactivity timer.
 */
export function imapClient(access: MailboxAccess): ImapFlow {
  const client = new ImapFlow({
    host: access.host,
    port: access.port,
    secure: access.tls === 'tls',
    doSTARTTLS: access.tls === 'starttls',
    auth: { user: access.username, pass: access.password },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: CONNECT_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    clientInfo: { name: 'Switchboard' },
  });
  // Errors also reject the command that meets them; an unheard 'error' event would end the process.
  client.on('error', () => {});
  return client;
}

/** The folder as a path on this server: `Switchboard/Done` joined with the server's own separator. */
export const folderPath = (folder: string): string | string[] =>
  folder.toUpperCase() === 'INBOX' ? 'INBOX' : folder.split('/').filter(Boolean);

/** Creates the done folder when it is missing; answers its path as the server spells it. */
export async function ensureFolder(client: ImapFlow, folder: string): Promise<string> {
  const created = await client.mailboxCreate(folderPath(folder));
  return created.path;
}

type ImapError = Error & {
  code?: string;
  authenticationFailed?: boolean;
  responseText?: string;
  serverResponseCode?: string;
};

/**
 * What went wrong, in words an administrator can act on, without echoing anything secret (the
 * server's own text is shown: it is what the provider's help pages quote).
 */
export function describeImapError(error: unknown, access: Pick<MailboxAccess, 'host' | 'port'>): string {
  const e = error as ImapError;
  const server = e.responseText ? `: ${e.responseText}` : '';
  let text: string;
  if (e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED')
    text = `The server refused the user name or password${server}`;
  else if (e.code === 'ECONNREFUSED') text = `Nothing answers at ${access.host}:${access.port}`;
  else if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') text = `No such host: ${access.host}`;
  else if (e.code === 'ETIMEDOUT' || e.code === 'CONNECT_TIMEOUT' || e.code === 'GREETING_TIMEOUT')
    text = `No answer from ${access.host}:${access.port} in time`;
  else if (/certificate|tls|ssl/i.test(`${e.code ?? ''} ${e.message}`)) text = `TLS failed: ${e.message}`;
  else if (e.serverResponseCode === 'NONEXISTENT') text = `No such folder${server}`;
  else text = `${e.message || 'IMAP error'}${server}`;
  return text.replace(/\s+/g, ' ').slice(0, 500);
}

/** Signs in, checks the folder can be opened and the done folder made; always signs out. */
export async function tryMailbox(
  access: MailboxAccess,
): Promise<{ ok: true; messages: number } | { ok: false; error: string }> {
  const client = imapClient(access);
  try {
    await client.connect();
    const mailbox = await client.mailboxOpen(folderPath(access.folder), { readOnly: true });
    await ensureFolder(client, access.doneFolder);
    return { ok: true, messages: mailbox.exists };
  } catch (error) {
    return { ok: false, error: describeImapError(error, access) };
  } finally {
    await client.logout().catch(() => client.close());
  }
}
