import type { FastifyReply } from 'fastify';

/** A page shows this much of an original mail; the download has all of it. */
const SHOWN_BYTES = 64 * 1024;

/** The start of a raw mail as a page shows it, and whether it was cut. */
export const shownOriginal = (raw: Buffer) => ({
  original: raw.subarray(0, SHOWN_BYTES).toString('utf8'),
  cut: raw.length > SHOWN_BYTES,
});

/** A raw mail as a download, never shown inline: the bytes are whatever the sender wrote. */
export const sendRawMail = (reply: FastifyReply, id: string, raw: Buffer) =>
  reply
    .type('message/rfc822')
    .header('content-disposition', `attachment; filename="mail-${id}.eml"`)
    .header('x-content-type-options', 'nosniff')
    .send(raw);
