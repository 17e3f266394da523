import type { Kysely } from 'kysely';
import type { AuthContext } from '../../../identity/context.js';
import { recordAudit } from '../../../platform/audit/record.js';
import type { DB } from '../../../platform/db/schema.js';
import { SealedBox } from '../../../platform/secrets/sealed-box.js';
import { AppError, type FieldError } from '../../../shared/errors.js';
import { type MailboxAccess, tryMailbox } from './connection.js';
import {
  deleteMailbox,
  findMailbox,
  insertMailbox,
  type MailboxRow,
  type MailboxValues,
  updateMailbox,
} from './repo.js';
import { MAILBOX_TLS, type MailboxTls } from './table.js';

/** A mailbox as an administrator gives it; on a change, what is left out stays (a blank password too). */
export interface MailboxInput {
  name?: string;
  host?: string;
  port?: number;
  tls?: string;
  username?: string;
  password?: string;
  folder?: string;
  doneFolder?: string;
  trustedAuthservId?: string | null;
  enabled?: boolean;
}

export const DEFAULT_DONE_FOLDER = 'Switchboard/Done';
const HOST = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$|^\[?[0-9a-f:.]+\]?$/i;
const TOKEN = /^[^\s;()"\\]+$/;
const CONTROL = /\p{Cc}/u;

export const passwordBox = (secretKey: string) => new SealedBox(secretKey, 'mail-mailbox');

/** The sign-in details of a stored mailbox, its password opened. */
export const accessOf = (row: MailboxRow, secretKey: string): MailboxAccess => ({
  host: row.host,
  port: row.port,
  tls: row.tls,
  username: row.username,
  password: passwordBox(secretKey).open(row.password_sealed),
  folder: row.folder,
  doneFolder: row.done_folder,
});

const FIELDS: Record<string, string> = {
  name: 'Give the mailbox a name of 1–80 characters.',
  host: 'Give the IMAP server’s host name, e.g. imap.gmail.com.',
  port: 'The port is a number from 1 to 65535.',
  tls: 'Choose TLS, STARTTLS or none.',
  username: 'Give the user name (most often the address) of 1–320 characters.',
  password: 'Give the password (an app password for Gmail or Microsoft 365).',
  folder: 'Give the folder to read, e.g. INBOX.',
  doneFolder: 'Give a folder for mail taken in, other than the folder read.',
  trustedAuthservId: 'The authserv-id is one word, such as mx.google.com.',
};

/** Checks and cleans the input; with `creating`, the required fields must be there. */
function clean(
  input: MailboxInput,
  creating: boolean,
  current?: MailboxRow,
): Partial<MailboxValues> & { password?: string } {
  const errors: FieldError[] = [];
  const refuse = (field: string) =>
    errors.push({
      pointer: `/body/${field}`,
      detail: FIELDS[field]!,
      said: { key: `email:mailboxes.errors.${field}` },
    });
  const text = (field: keyof MailboxInput, value: string | undefined, max: number, test?: RegExp) => {
    if (value === undefined) {
      if (creating) refuse(field);
      return undefined;
    }
    const v = value.trim();
    if (v.length < 1 || v.length > max || CONTROL.test(v) || (test && !test.test(v))) refuse(field);
    return v;
  };
  const out: Partial<MailboxValues> & { password?: string } = {};
  const name = text('name', input.name, 80);
  const host = text('host', input.host, 253, HOST);
  const username = text('username', input.username, 320);
  let tls: MailboxTls | undefined;
  if (input.tls !== undefined) {
    tls = MAILBOX_TLS.find((t) => t === input.tls);
    if (!tls) refuse('tls');
  }
  if (input.port !== undefined && !(Number.isInteger(input.port) && input.port >= 1 && input.port <= 65535))
    refuse('port');
  // A blank password on a change keeps the stored one.
  const password =
    input.password === undefined || (!creating && input.password === '') ? undefined : input.password;
  if (password !== undefined && (password.length < 1 || password.length > 1024)) refuse('password');
  if (password === undefined && creating) refuse('password');
  const folder = input.folder === undefined ? undefined : text('folder', input.folder || 'INBOX', 200);
  const doneFolder =
    input.doneFolder === undefined
      ? undefined
      : text('doneFolder', input.doneFolder || DEFAULT_DONE_FOLDER, 200);
  const read = folder ?? current?.folder ?? 'INBOX';
  const done = doneFolder ?? current?.done_folder ?? DEFAULT_DONE_FOLDER;
  if (read.toLowerCase() === done.toLowerCase()) refuse('doneFolder');
  let trusted: string | null | undefined;
  if (input.trustedAuthservId !== undefined) {
    trusted = input.trustedAuthservId?.trim() || null;
    if (trusted !== null && (trusted.length > 253 || !TOKEN.test(trusted))) refuse('trustedAuthservId');
  }
  if (errors.length > 0)
    throw new AppError('validation_failed', errors[0]!.detail, { errors, said: errors[0]!.said! });
  if (name !== undefined) out.name = name;
  if (host !== undefined) out.host = host;
  if (username !== undefined) out.username = username;
  if (tls !== undefined) out.tls = tls;
  if (input.port !== undefined) out.port = input.port;
  if (creating && out.port === undefined) out.port = (tls ?? 'tls') === 'tls' ? 993 : 143;
  if (folder !== undefined) out.folder = folder;
  if (doneFolder !== undefined) out.done_folder = doneFolder;
  if (trusted !== undefined) out.trusted_authserv_id = trusted;
  if (input.enabled !== undefined) out.enabled = input.enabled;
  if (password !== undefined) out.password = password;
  return out;
}

async function unique<T>(run: () => Promise<T>, name: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error;
    const detail = `There is already a mailbox named ${name}.`;
    const said = { key: 'email:mailboxes.errors.taken', values: { name } };
    throw new AppError('conflict', detail, { errors: [{ pointer: '/body/name', detail, said }], said });
  }
}

const audit = (ctx: AuthContext, actorId: string | null, action: string, row: MailboxRow, details: object) =>
  recordAudit(ctx.trx, {
    actor: { type: actorId ? 'user' : 'api_client', id: actorId },
    action: `mail.mailbox_${action}`,
    target: { type: 'mail_mailbox', id: row.id },
    outcome: 'success',
    ip: ctx.meta.ip,
    userAgent: ctx.meta.userAgent,
    requestId: ctx.meta.requestId,
    details: { name: row.name, host: row.host, username: row.username, ...details },
  });

export async function createMailbox(
  ctx: AuthContext,
  secretKey: string,
  actorId: string | null,
  input: MailboxInput,
): Promise<MailboxRow> {
  const { password, ...values } = clean(input, true);
  const row = await unique(
    () =>
      insertMailbox(ctx.trx, {
        ...(values as Omit<MailboxValues, 'password_sealed'>),
        folder: values.folder ?? 'INBOX',
        done_folder: values.done_folder ?? DEFAULT_DONE_FOLDER,
        trusted_authserv_id: values.trusted_authserv_id ?? null,
        enabled: values.enabled ?? true,
        password_sealed: passwordBox(secretKey).seal(password!),
      }),
    values.name!,
  );
  await audit(ctx, actorId, 'created', row, { port: row.port, tls: row.tls, folder: row.folder });
  return row;
}

export async function changeMailbox(
  ctx: AuthContext,
  secretKey: string,
  actorId: string | null,
  id: string,
  input: MailboxInput,
): Promise<MailboxRow> {
  const current = await findMailbox(ctx.trx, id);
  if (!current) throw new AppError('not_found', 'There is no such mailbox.');
  const { password, ...values } = clean(input, false, current);
  const row = await unique(
    () =>
      updateMailbox(ctx.trx, id, {
        ...values,
        ...(password !== undefined ? { password_sealed: passwordBox(secretKey).seal(password) } : {}),
      }),
    values.name ?? current.name,
  );
  if (!row) throw new AppError('not_found', 'There is no such mailbox.');
  const changed = Object.keys(values).filter(
    (k) => (values as Record<string, unknown>)[k] !== (current as Record<string, unknown>)[k],
  );
  await audit(ctx, actorId, 'changed', row, { changed, passwordChanged: password !== undefined });
  return row;
}

export async function removeMailbox(
  ctx: AuthContext,
  actorId: string | null,
  id: string,
): Promise<MailboxRow> {
  const row = await deleteMailbox(ctx.trx, id);
  if (!row) throw new AppError('not_found', 'There is no such mailbox.');
  await audit(ctx, actorId, 'removed', row, {});
  return row;
}

/** Signs in to a stored mailbox now (the administrator's "test connection"). */
export async function testMailbox(db: Kysely<DB>, secretKey: string, id: string) {
  const row = await findMailbox(db, id);
  if (!row) throw new AppError('not_found', 'There is no such mailbox.');
  return { row, result: await tryMailbox(accessOf(row, secretKey)) };
}
