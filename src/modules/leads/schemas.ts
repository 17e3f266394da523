import Type from 'typebox';
import type { LeadFilter, LeadView } from './repo.js';

export const Stage = Type.Union(
  [
    Type.Literal('new'),
    Type.Literal('contacted'),
    Type.Literal('qualified'),
    Type.Literal('won'),
    Type.Literal('lost'),
  ],
  { description: 'Pipeline stage' },
);

export const LeadParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** The list's filters and page, shared by the admin page, the CSV export and the API. */
export const LeadQuery = Type.Object({
  stage: Type.Optional(Stage),
  owner: Type.Optional(
    Type.Union([Type.Literal('none'), Type.String({ format: 'uuid' })], {
      description: 'An owner’s user id, or `none` for leads without one',
    }),
  ),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the name, email or company' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1 })),
});
export type LeadQuery = Type.Static<typeof LeadQuery>;

export const PAGE_SIZE = 25;

export const filterOf = (query: LeadQuery): LeadFilter => ({
  stage: query.stage,
  owner: query.owner,
  q: query.q?.trim() || undefined,
});

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });

export const Lead = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    email: Type.String(),
    phone: Nullable(Type.String()),
    company: Nullable(Type.String()),
    service: Nullable(Type.String()),
    message: Type.String(),
    locale: Type.String(),
    consentAt: DateTime,
    stage: Stage,
    ownerId: Nullable(Type.String()),
    ownerName: Nullable(Type.String()),
    customerId: Nullable(Type.String()),
    ticketId: Nullable(Type.String()),
    convertedAt: Nullable(DateTime),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Lead' },
);

export const presentLead = (lead: LeadView) => ({
  id: lead.id,
  name: lead.name,
  email: lead.email,
  phone: lead.phone,
  company: lead.company,
  service: lead.service,
  message: lead.message,
  locale: lead.locale,
  consentAt: lead.consent_at.toISOString(),
  stage: lead.stage,
  ownerId: lead.owner_id,
  ownerName: lead.owner_name,
  customerId: lead.customer_id,
  ticketId: lead.ticket_id,
  convertedAt: lead.converted_at?.toISOString() ?? null,
  createdAt: lead.created_at.toISOString(),
  updatedAt: lead.updated_at.toISOString(),
});

export const Note = Type.Object({
  id: Type.String(),
  body: Type.String(),
  authorId: Nullable(Type.String()),
  authorName: Nullable(Type.String()),
  createdAt: DateTime,
});
