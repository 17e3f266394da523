import type { FastifyRequest } from 'fastify';
import { AppError } from '../../../../shared/errors.js';
import { formField } from '../../../../web/forms.js';
import { wordsOf } from '../../../../web/page-context.js';
import { ticketActor } from '../../request-actor.js';
import type { TicketChanges } from '../../service.js';
import { PRIORITIES, type Priority } from '../../table.js';
import { UUID } from './filters.js';

type Field = 'assignee' | 'status' | 'priority' | 'category' | 'tags';

const invalid = (field: string, detail: string) =>
  new AppError('validation_failed', detail, { errors: [{ pointer: `/body/${field}`, detail }] });

/**
 * The ticket changes a form asks for, from the fields it has; an empty field changes nothing.
 * `assignee` is `me`, `none` or an agent's id; `category` is `none` or a category id; `tags` are
 * separated by commas or spaces. The service checks the rest (known status, active agent, …).
 */
export function readChanges(request: FastifyRequest, body: unknown, fields: readonly Field[]): TicketChanges {
  const changes: TicketChanges = {};
  const t = wordsOf(request);
  const value = (field: Field) => (fields.includes(field) ? formField(body, field) : '');
  const assignee = value('assignee');
  if (assignee === 'me') changes.assigneeId = ticketActor(request).userId;
  else if (assignee === 'none') changes.assigneeId = null;
  else if (UUID.test(assignee)) changes.assigneeId = assignee;
  else if (assignee) throw invalid('assignee', t('tickets:ticket.errors.assignee'));
  const status = value('status');
  if (status.length > 40) throw invalid('status', t('tickets:ticket.errors.status'));
  if (status) changes.status = status;
  const priority = value('priority');
  if (priority && !PRIORITIES.includes(priority as Priority))
    throw invalid('priority', t('tickets:ticket.errors.priority'));
  if (priority) changes.priority = priority as Priority;
  const category = value('category');
  if (category === 'none') changes.categoryId = null;
  else if (UUID.test(category)) changes.categoryId = category;
  else if (category) throw invalid('category', t('tickets:ticket.errors.category'));
  if (fields.includes('tags'))
    changes.tags = formField(body, 'tags')
      .split(/[\s,]+/)
      .filter(Boolean);
  return changes;
}
