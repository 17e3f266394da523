import type { HeaderValue, ParsedMail, StructuredHeader } from 'mailparser';

/** One recipient a delivery status notification reports on. */
export interface BouncedRecipient {
  /** Final-Recipient without its address type (`rfc822;`) or angle brackets. */
  address: string;
  /** RFC 3464 §2.3.3, lower case: `failed`, `delayed`, `delivered`, `relayed`, `expanded`; '' if absent. */
  action: string;
  /** RFC 3463 status code (`5.1.1`); '' if the report gave none. */
  status: string;
  /** Diagnostic-Code without its type (`smtp;`): usually the remote server's reply. */
  diagnostic: string | null;
}

export interface Bounce {
  /** Message-ID, in angle brackets, of the message the report is about, when it can be told. */
  originalMessageId: string | null;
  recipients: BouncedRecipient[];
}

/** Enough for the remote reply an agent needs to see; a report is not a place to store a novel. */
const DIAGNOSTIC_MAX_CHARS = 1000;

/**
 * The delivery status notification in `mail`, or null when it is none.
 *
 * A DSN is `multipart/report; report-type=delivery-status` (RFC 3464); its recipient blocks are
 * read from the `message/delivery-status` part. mailparser makes that part an attachment only
 * when parsing with `{ keepDeliveryStatus: true }` (which also keeps the report out of the ticket
 * text); parsed without it, the part is appended to `mail.text`, and the blocks are read from
 * there. Old-style bounces that are plain text (older Exim, some appliances) are recognised only
 * by their `X-Failed-Recipients` header: those recipients come back as `failed` with no status,
 * and the prose of such bounces is not interpreted.
 *
 * A DSN with no recipient blocks still returns a Bounce (with no recipients): it is a report all
 * the same and must neither open a ticket nor be answered. Anyone can send a report, so the
 * caller acts only on an `originalMessageId` that names a message Switchboard sent.
 */
export function bounceOf(mail: ParsedMail): Bounce | null {
  const report = isDeliveryReport(mail);
  const failedHeader = failedRecipientsHeader(mail);
  if (!report && failedHeader.length === 0) return null;
  const reported = report ? recipientBlocks(reportText(mail)) : [];
  const recipients = reported.length
    ? reported
    : failedHeader.map((address) => ({ address, action: 'failed', status: '', diagnostic: null }));
  return { originalMessageId: originalMessageId(mail), recipients };
}

/**
 * Whether the message never reached this recipient. `failed` is the reporting server giving up,
 * whatever its status class: a 4.x.x status with `failed` is a temporary cause that outlived the
 * retry period (Postfix reports `4.4.1` after its queue lifetime), still undelivered. `delayed`
 * is only a warning: the server keeps trying.
 */
export function undelivered(recipient: BouncedRecipient): boolean {
  return recipient.action === 'failed' || (recipient.action === '' && recipient.status.startsWith('5.'));
}

function isDeliveryReport(mail: ParsedMail): boolean {
  const type = structured(mail.headers.get('content-type'));
  return (
    type?.value.toLowerCase() === 'multipart/report' &&
    type.params['report-type']?.toLowerCase() === 'delivery-status'
  );
}

/** mailparser parses Content-Type into a StructuredHeader; the type covers every header. */
function structured(header: HeaderValue | undefined): StructuredHeader | null {
  if (!header || typeof header !== 'object' || Array.isArray(header)) return null;
  const { value, params } = header as Partial<StructuredHeader>;
  return typeof value === 'string' && typeof params === 'object' ? { value, params } : null;
}

/** Non-standard, set by Exim and Gmail: one or more comma-separated addresses, maybe repeated. */
function failedRecipientsHeader(mail: ParsedMail): string[] {
  const value = mail.headers.get('x-failed-recipients');
  const lines = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  return lines
    .filter((line): line is string => typeof line === 'string')
    .flatMap((line) => line.split(','))
    .map((address) => address.trim().replace(/^<|>$/g, ''))
    .filter((address) => address.includes('@'));
}

/** The `message/delivery-status` part (`message/global-delivery-status` for RFC 6533 UTF-8 mail). */
function reportText(mail: ParsedMail): string {
  const part = mail.attachments.find((attachment) =>
    ['message/delivery-status', 'message/global-delivery-status'].includes(attachment.contentType),
  );
  return part ? part.content.toString('utf8') : (mail.text ?? '');
}

/** The recipient blocks of a report: blank-line separated field groups with a Final-Recipient. */
function recipientBlocks(report: string): BouncedRecipient[] {
  return report
    .split(/\r?\n[ \t]*\r?\n/)
    .map(fieldsOf)
    .flatMap((fields) => {
      const finalRecipient = fields.get('final-recipient');
      if (!finalRecipient) return [];
      const diagnostic = afterType(fields.get('diagnostic-code') ?? '').slice(0, DIAGNOSTIC_MAX_CHARS);
      return [
        {
          address: afterType(finalRecipient).replace(/^<|>$/g, ''),
          action: (fields.get('action') ?? '').trim().toLowerCase(),
          status: /\b[245]\.\d{1,3}\.\d{1,3}\b/.exec(fields.get('status') ?? '')?.[0] ?? '',
          diagnostic: diagnostic || null,
        },
      ];
    });
}

/** Header-style fields of one block, folded lines joined, the first of a repeated name kept. */
function fieldsOf(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
  }
  return fields;
}

/** `rfc822; ada@example.com` → `ada@example.com`; `smtp; 550 …` → `550 …` (RFC 3464 §2.3.2, §2.3.6). */
function afterType(value: string): string {
  const semicolon = value.indexOf(';');
  return (semicolon < 0 ? value : value.slice(semicolon + 1)).trim();
}

/**
 * The returned message's Message-ID: from its headers in the `message/rfc822` or
 * `text/rfc822-headers` part (RFC 3464 §2, third part), else from the report's own In-Reply-To.
 * The fallback matters because mailparser parses a returned message marked
 * `Content-Disposition: inline` into the body and keeps only its From, To and Subject.
 */
function originalMessageId(mail: ParsedMail): string | null {
  const returned = mail.attachments.find((attachment) =>
    ['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers'].includes(
      attachment.contentType,
    ),
  );
  const headers = returned?.content.toString('utf8').split(/\r?\n\r?\n/, 1)[0] ?? '';
  const fromReturned = fieldsOf(headers).get('message-id');
  return normalisedMessageId(fromReturned ?? mail.inReplyTo ?? '');
}

function normalisedMessageId(value: string): string | null {
  const bracketed = /<[^<>\s]+>/.exec(value)?.[0];
  if (bracketed) return bracketed;
  const bare = value.trim();
  return bare && !/\s/.test(bare) ? `<${bare}>` : null;
}
