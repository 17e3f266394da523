import { describe, expect, it } from 'vitest';
import { authorize, can, definePolicy, type PolicyActor } from './policy.js';

interface Ticket {
  requesterId: string;
  assigneeId: string | null;
  teamId: string | null;
}

const ticketPolicy = definePolicy<Ticket, 'read' | 'update'>({
  read: {
    any: 'tickets:read:any',
    scoped: [
      ['tickets:read:own', (actor, t) => t.requesterId === actor.userId],
      ['tickets:read:team', (actor, t) => t.teamId !== null && (actor.teamIds ?? []).includes(t.teamId)],
    ],
  },
  update: {
    any: 'tickets:update:any',
    scoped: [
      ['tickets:update:own', (actor, t) => t.requesterId === actor.userId],
      ['tickets:update:assigned', (actor, t) => t.assigneeId === actor.userId],
    ],
  },
});

const actor = (userId: string, permissions: string[], teamIds: string[] = []): PolicyActor => ({
  userId,
  permissions: new Set(permissions),
  teamIds,
});
const ticket: Ticket = { requesterId: 'ann', assigneeId: 'bob', teamId: 'billing' };

describe('resource policies', () => {
  it('own vs any: a customer reads their own ticket only', () => {
    expect(can(actor('ann', ['tickets:read:own']), ticketPolicy, 'read', ticket)).toBe(true);
    expect(can(actor('cid', ['tickets:read:own']), ticketPolicy, 'read', ticket)).toBe(false);
    expect(can(actor('cid', ['tickets:read:any']), ticketPolicy, 'read', ticket)).toBe(true);
  });

  it('assigned agent and team scopes', () => {
    expect(can(actor('bob', ['tickets:update:assigned']), ticketPolicy, 'update', ticket)).toBe(true);
    expect(can(actor('dan', ['tickets:update:assigned']), ticketPolicy, 'update', ticket)).toBe(false);
    expect(can(actor('eve', ['tickets:read:team'], ['billing']), ticketPolicy, 'read', ticket)).toBe(true);
    expect(can(actor('eve', ['tickets:read:team'], ['sales']), ticketPolicy, 'read', ticket)).toBe(false);
  });

  it('a scope without its permission grants nothing, and refusals look like a missing record', () => {
    expect(can(actor('ann', []), ticketPolicy, 'read', ticket)).toBe(false);
    expect(() => authorize(actor('cid', ['tickets:read:own']), ticketPolicy, 'read', ticket)).toThrow(
      expect.objectContaining({ code: 'not_found', status: 404 }),
    );
  });
});
