import type { Channel, Priority, StatusKind } from './table.js';

/** What a ticket list can be asked for: its sort, its inbox view and its filters (repo/list.ts reads them). */
export const SORTS = ['-created', 'created', '-updated'] as const;
export type Sort = (typeof SORTS)[number];
export const VIEWS = ['unassigned', 'mine', 'open', 'waiting', 'resolved'] as const;
export type View = (typeof VIEWS)[number];

export interface TicketFilters {
  view?: View;
  status?: string[];
  priority?: Priority[];
  categoryId?: string;
  /** A user id, `me` or `none`. */
  assignee?: string;
  requesterId?: string;
  channel?: Channel;
  tag?: string;
  createdFrom?: Date;
  createdTo?: Date;
  /** Words in the subject or the messages, in the instance's search language. */
  text?: { query: string; language: string };
}

/** The inbox views: work still to do (open or waiting) split by owner, and what was just resolved. */
export const VIEW_KINDS: Record<View, StatusKind[]> = {
  unassigned: ['open', 'waiting'],
  mine: ['open', 'waiting'],
  open: ['open', 'waiting'],
  waiting: ['waiting'],
  resolved: ['resolved'],
};
export const RECENTLY_RESOLVED_DAYS = 7;
