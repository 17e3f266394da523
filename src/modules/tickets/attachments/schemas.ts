import Type from 'typebox';
import type { AttachmentRow } from './repo.js';

export const Attachment = Type.Object(
  {
    id: Type.String({ format: 'uuid', examples: ['0b6f1c1e-4d0a-4c39-9a52-3f1f8f0e6a11'] }),
    filename: Type.String({
      description: 'The uploaded name, cleaned for display',
      examples: ['screenshot.png'],
    }),
    contentType: Type.String({
      description: 'Detected from the content, not from the name or the header the client sent',
      examples: ['image/png'],
    }),
    size: Type.Integer({ description: 'Bytes', examples: [48213] }),
    sha256: Type.String({ description: 'Hex SHA-256 of the content' }),
    url: Type.String({
      description: 'Where the content is served (same access rules as the ticket thread)',
      examples: ['/api/v1/attachments/0b6f1c1e-4d0a-4c39-9a52-3f1f8f0e6a11/content'],
    }),
    attached: Type.Boolean({ description: 'false while the upload is not yet part of a message' }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'TicketAttachment', description: 'A file on a ticket message, or an upload waiting to be attached' },
);

export const attachmentUrl = (id: string) => `/api/v1/attachments/${id}/content`;

export const presentAttachment = (a: AttachmentRow) => ({
  id: a.id,
  filename: a.filename,
  contentType: a.content_type,
  size: a.size_bytes,
  sha256: a.sha256,
  url: attachmentUrl(a.id),
  attached: a.message_id !== null,
  createdAt: a.created_at.toISOString(),
});

export const AttachmentIds = Type.Array(Type.String({ format: 'uuid' }), {
  maxItems: 50,
  uniqueItems: true,
  description:
    'Ids of your own uploads (`POST /api/v1/uploads`) to attach to this message (at most ATTACHMENT_MAX_PER_MESSAGE)',
  examples: [['0b6f1c1e-4d0a-4c39-9a52-3f1f8f0e6a11']],
});
