import Type from 'typebox';

const Channel = Type.Union([Type.Literal('email'), Type.Literal('sms')]);

const summary = {
  id: Type.String({ format: 'uuid' }),
  channel: Channel,
  recipient: Type.String({ description: 'Email address or E.164 phone number' }),
  subject: Type.Union([Type.String(), Type.Null()], { description: 'null for text messages' }),
  createdAt: Type.String({ format: 'date-time' }),
};

export const OutboxQuery = Type.Object({
  channel: Type.Optional(Channel),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 25 })),
  cursor: Type.Optional(
    Type.String({ format: 'uuid', description: 'The `nextCursor` of the previous page' }),
  ),
});

export const OutboxPage = Type.Object(
  {
    items: Type.Array(Type.Object(summary)),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `cursor` for older messages; null on the last page',
    }),
  },
  { $id: 'OutboxPage' },
);

export const OutboxMessageBody = Type.Object(
  {
    ...summary,
    bodyText: Type.String(),
    bodyHtml: Type.Union([Type.String(), Type.Null()], { description: 'null for text messages' }),
  },
  { $id: 'OutboxMessage' },
);

export const OutboxParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
