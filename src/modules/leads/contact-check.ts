import { AppError, type FieldError } from '../../shared/errors.js';
import type { LeadsTable } from './table.js';

/** What a visitor sends with the contact form, as typed. */
export interface ContactInput {
  name: string;
  email: string;
  phone: string;
  company: string;
  service: string;
  message: string;
  consent: boolean;
}

/** The fields the form can point at; each has its words under `leads:contact.errors`. */
const FIELDS = ['name', 'email', 'phone', 'company', 'service', 'message', 'consent'] as const;
type Field = (typeof FIELDS)[number];

// The practical subset of RFC 5321 addresses a mailbox can have; the team's reply is the real check.
export const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;
// Digits with the separators people type (+31 (0)20-123 45 67); the team calls it, nothing dials it.
const PHONE = /^\+?[\d\s().-]{6,40}$/;
const MAX = { name: 100, company: 120, message: 5000 } as const;

/** What the visitor wrote, checked and tidied: the lead's own columns. */
export type CheckedContact = Pick<LeadsTable, 'name' | 'email' | 'phone' | 'company' | 'service' | 'message'>;

/**
 * Every wrong field at once, each with a message key, so the page shows them beside the fields
 * and the lead is only ever written whole. A service must be one the form offers.
 */
export function checkContact(input: ContactInput, services: readonly string[]): CheckedContact {
  const value = {
    name: input.name.trim(),
    email: input.email.trim().toLowerCase(),
    phone: input.phone.trim(),
    company: input.company.trim(),
    service: input.service.trim(),
    message: input.message.trim(),
  };
  const wrong: Field[] = [];
  if (!value.name || value.name.length > MAX.name) wrong.push('name');
  if (value.email.length > 254 || !EMAIL.test(value.email)) wrong.push('email');
  if (value.phone && !PHONE.test(value.phone)) wrong.push('phone');
  if (value.company.length > MAX.company) wrong.push('company');
  if (value.service && !services.includes(value.service)) wrong.push('service');
  if (!value.message || value.message.length > MAX.message) wrong.push('message');
  if (!input.consent) wrong.push('consent');
  if (wrong.length > 0) {
    const errors: FieldError[] = wrong.map((field) => ({
      pointer: `/body/${field}`,
      detail: `Check the field ${field}.`,
      said: { key: `leads:contact.errors.${field}` },
    }));
    throw new AppError('validation_failed', errors[0]!.detail, { errors });
  }
  return {
    name: value.name,
    email: value.email,
    phone: value.phone || null,
    company: value.company || null,
    service: value.service || null,
    message: value.message,
  };
}
