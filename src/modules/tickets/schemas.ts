import Type from 'typebox';
import type { AttachmentRow } from './attachments/repo.js';
import { Attachment, AttachmentIds, presentAttachment } from './attachments/schemas.js';
import type { MessageRow } from './repo/messages.js';
import type { TicketRow } from './repo/tickets.js';

export const Priority = Type.Union([
  Type.Literal('low'),
  Type.Literal('normal'),
  Type.Literal('high'),
  Type.Literal('urgent'),
]);
const Channel = Type.Union([
  Type.Literal('web'),
  Type.Literal('email'),
  Type.Literal('sms'),
  Type.Literal('api'),
]);
const Uuid = Type.String({ format: 'uuid' });
const Tags = Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20, examples: [['vpn', 'laptop']] });

/** Ticket numbers as people say them. */
export const ticketKey = (number: string | number) => `SB-${number}`;

export const Ticket = Type.Object(
  {
    id: Uuid,
    key: Type.String({ examples: ['SB-10423'] }),
    subject: Type.String(),
    requesterId: Uuid,
    assigneeId: Type.Union([Uuid, Type.Null()]),
    categoryId: Type.Union([Uuid, Type.Null()]),
    priority: Priority,
    status: Type.String({ examples: ['open'] }),
    channel: Channel,
    tags: Type.Array(Type.String()),
    version: Type.Integer({
      description: 'Send it back as `If-Match: "<version>"` when changing the ticket',
    }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    resolvedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    closedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'Ticket' },
);

export const presentTicket = (t: TicketRow) => ({
  id: t.id,
  key: ticketKey(t.number),
  subject: t.subject,
  requesterId: t.requester_id,
  assigneeId: t.assignee_id,
  categoryId: t.category_id,
  priority: t.priority,
  status: t.status,
  channel: t.channel,
  tags: t.tags,
  version: t.version,
  createdAt: t.created_at.toISOString(),
  updatedAt: t.updated_at.toISOString(),
  resolvedAt: t.resolved_at?.toISOString() ?? null,
  closedAt: t.closed_at?.toISOString() ?? null,
});

export const Message = Type.Object(
  {
    id: Uuid,
    authorId: Type.Union([Uuid, Type.Null()]),
    authorName: Type.Union([Type.String(), Type.Null()]),
    body: Type.String({ description: 'Markdown, as written' }),
    bodyHtml: Type.String({ description: 'The Markdown rendered to safe HTML' }),
    visibility: Type.Union([Type.Literal('public'), Type.Literal('internal')]),
    replyToId: Type.Union([Uuid, Type.Null()]),
    channel: Channel,
    deliveryStatus: Type.String(),
    attachments: Type.Array(Attachment),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'TicketMessage' },
);

export const presentMessage = (m: MessageRow & { attachments?: readonly AttachmentRow[] }) => ({
  id: m.id,
  authorId: m.author_id,
  authorName: m.author_name,
  body: m.body,
  bodyHtml: m.body_html,
  visibility: m.visibility,
  replyToId: m.reply_to_id,
  channel: m.channel,
  deliveryStatus: m.delivery_status,
  attachments: (m.attachments ?? []).map(presentAttachment),
  createdAt: m.created_at.toISOString(),
});

export const TicketParams = Type.Object({
  id: Type.String({ format: 'uuid', description: 'The ticket’s `id` (not its SB- key)' }),
});

export const ListQuery = Type.Object({
  view: Type.Optional(
    Type.Union(
      [
        Type.Literal('unassigned'),
        Type.Literal('mine'),
        Type.Literal('open'),
        Type.Literal('waiting'),
        Type.Literal('resolved'),
      ],
      {
        description:
          'An inbox view: `unassigned` and `mine` (open or waiting work), `open`, `waiting`, `resolved` (the last 7 days)',
      },
    ),
  ),
  status: Type.Optional(Type.String({ maxLength: 400, description: 'Comma-separated statuses' })),
  priority: Type.Optional(Type.String({ maxLength: 100, description: 'Comma-separated priorities' })),
  category: Type.Optional(Type.String({ format: 'uuid', description: 'A category id' })),
  assignee: Type.Optional(
    Type.String({ pattern: '^(me|none|[0-9a-f-]{36})$', description: '`me`, `none` or a user id' }),
  ),
  requester: Type.Optional(
    Type.String({ format: 'uuid', description: 'The requester’s user id (the team only)' }),
  ),
  channel: Type.Optional(Type.Union(Channel.anyOf, { description: 'Where the ticket came from' })),
  tag: Type.Optional(
    Type.String({ maxLength: 40, description: 'Tickets carrying this tag', examples: ['vpn'] }),
  ),
  createdFrom: Type.Optional(Type.String({ format: 'date-time', description: 'Opened at or after' })),
  createdTo: Type.Optional(Type.String({ format: 'date-time', description: 'Opened before' })),
  sort: Type.Optional(
    Type.Union([Type.Literal('-created'), Type.Literal('created'), Type.Literal('-updated')], {
      description: 'Newest first (`-created`, the default), oldest first, or last changed first',
    }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 25, description: 'Page size' })),
  cursor: Type.Optional(
    Type.String({ maxLength: 300, description: 'The `nextCursor` of the previous page' }),
  ),
});

export const NewTicketBody = Type.Object(
  {
    subject: Type.String({ minLength: 1, maxLength: 200, examples: ['VPN drops every few minutes'] }),
    body: Type.String({
      minLength: 1,
      maxLength: 50000,
      examples: ['Since this morning the VPN disconnects…'],
    }),
    priority: Type.Optional(Priority),
    categoryId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    tags: Type.Optional(Tags),
    requesterId: Type.Optional(Uuid),
    attachmentIds: Type.Optional(AttachmentIds),
  },
  {
    examples: [
      {
        subject: 'VPN drops every few minutes',
        body: 'Since this **morning** the VPN disconnects every 5 minutes on my laptop.',
        priority: 'normal',
        tags: ['vpn'],
      },
    ],
  },
);

export const TicketChangesBody = Type.Object(
  {
    status: Type.Optional(Type.String({ maxLength: 40 })),
    priority: Type.Optional(Priority),
    categoryId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    assigneeId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    tags: Type.Optional(Tags),
  },
  {
    examples: [
      { status: 'in_progress', assigneeId: '0b9a4c7e-6f1d-4c1e-9a55-2f0c1d3e4b5a', priority: 'high' },
    ],
  },
);

export const NewMessageBody = Type.Object(
  {
    body: Type.String({ minLength: 1, maxLength: 50000 }),
    visibility: Type.Optional(Type.Union([Type.Literal('public'), Type.Literal('internal')])),
    replyToId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    attachmentIds: Type.Optional(AttachmentIds),
  },
  {
    examples: [
      { body: 'Could you restart the laptop and try again?' },
      { body: 'Checked the firewall logs: nothing blocked.', visibility: 'internal' },
    ],
  },
);

// Route answers and headers of the ticket API (routes.api.ts).

/** One page of tickets and the cursor of the next (null on the last). */
export const TicketPage = Type.Object({
  items: Type.Array(Ticket),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const SearchQuery = Type.Object({
  q: Type.String({
    minLength: 1,
    maxLength: 200,
    examples: ['vpn disconnects'],
    description: 'Words to find',
  }),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 50, default: 20, description: 'At most this many hits' }),
  ),
});

/** Search hits, best first. */
export const SearchResults = Type.Object({
  items: Type.Array(
    Type.Object({
      ticket: Ticket,
      rank: Type.Number(),
      subjectHtml: Type.String({ description: 'Escaped HTML; hits in <mark>' }),
      snippetHtml: Type.Union([Type.String(), Type.Null()], {
        description: 'Best-matching message',
      }),
    }),
  ),
});

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      maxLength: 200,
      description: 'Any unique string; a retry with the same key and body gets the first answer',
    }),
  ),
});

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      maxLength: 40,
      description: 'The ETag of the version the change is based on, e.g. "7"',
      examples: ['"7"'],
    }),
  ),
});

export const MessageList = Type.Object({ items: Type.Array(Message) });

export const MessageCreated = Type.Object({ id: Type.String({ format: 'uuid' }), reopened: Type.Boolean() });

/** The timeline, oldest first. */
export const EventList = Type.Object({
  items: Type.Array(
    Type.Object({
      kind: Type.String(),
      from: Type.Union([Type.String(), Type.Null()]),
      to: Type.Union([Type.String(), Type.Null()]),
      actorId: Type.Union([Type.String(), Type.Null()]),
      actorName: Type.Union([Type.String(), Type.Null()]),
      at: Type.String({ format: 'date-time' }),
    }),
  ),
});
