/**
 * Declarative resource-level authorization. A feature describes, per action, which permission
 * lets an actor act on any record and which lets them act on the records that are theirs (own,
 * assigned to them, their team's); `authorize` applies it. Route-level checks (rbac/access.ts) say
 * whether someone may use a route at all; policies say whether they may touch this record.
 *
 *   const ticketPolicy = definePolicy<Ticket>({
 *     read: {
 *       any: 'tickets:read:any',
 *       scoped: [['tickets:read:own', (actor, t) => t.requesterId === actor.userId]],
 *     },
 *   });
 *   authorize(actor, ticketPolicy, 'read', ticket); // throws 404 when not allowed
 */
import { AppError } from './errors.js';

export interface PolicyActor {
  userId: string;
  permissions: ReadonlySet<string>;
  teamIds?: readonly string[];
}

/** A permission that applies when the predicate says the record is the actor's in that sense. */
export type ScopedRule<R> = readonly [
  permission: string,
  applies: (actor: PolicyActor, record: R) => boolean,
];

export interface ActionRule<R> {
  /** Acting on every record. */
  any?: string;
  /** Acting on some records: each pair is a permission and the records it covers. */
  scoped?: readonly ScopedRule<R>[];
}

export type Policy<R, A extends string> = Readonly<Record<A, ActionRule<R>>>;

export const definePolicy = <R, A extends string = string>(rules: Policy<R, A>): Policy<R, A> =>
  Object.freeze(rules);

export function can<R, A extends string>(
  actor: PolicyActor,
  policy: Policy<R, A>,
  action: A,
  record: R,
): boolean {
  const rule = policy[action];
  if (rule.any && actor.permissions.has(rule.any)) return true;
  return (rule.scoped ?? []).some(
    ([permission, applies]) => actor.permissions.has(permission) && applies(actor, record),
  );
}

/**
 * Throws when the actor may not. The answer is 404, not 403: someone who may not see a record
 * learns nothing about whether it exists (OWASP: prevent enumeration through IDOR).
 */
export function authorize<R, A extends string>(
  actor: PolicyActor,
  policy: Policy<R, A>,
  action: A,
  record: R,
): void {
  if (!can(actor, policy, action, record)) throw new AppError('not_found');
}
