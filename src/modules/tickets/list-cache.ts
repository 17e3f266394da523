import type { Kysely } from 'kysely';
import { LocalCopies } from '../../platform/cache/local-copies.js';
import type { DB } from '../../platform/db/schema.js';
import type { PubSub, Unsubscribe } from '../../platform/pubsub/port.js';
import type { Sort, TicketFilters } from './list-filters.js';
import { readScope, seesAll, type TicketActor } from './policy.js';
import { listTickets } from './repo/list.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Ticket lists through the shared, change-dropped cache (see TicketListCache). */
    ticketLists: TicketListCache;
  }
}

/** Sent by the tickets_changed triggers on commit (migration 202612061300_ticket_change_notices). */
const CHANNEL = 'tickets.changed';
const MAX_ENTRIES = 2_000;

type Page = Parameters<typeof listTickets>[3];
type ListPage = Awaited<ReturnType<typeof listTickets>>;

/**
 * Who sees the same rows for the same filters: the whole team sees every ticket (row-level
 * security lets `tickets:read:any` read all), a customer only their own. "Mine" and "assigned to
 * me" name the user, so those lists are the user's own.
 */
function audience(actor: TicketActor, filters: TicketFilters): string {
  const own = !seesAll(actor) || filters.view === 'mine' || filters.assignee === 'me';
  return own ? `user:${actor.userId ?? `client:${actor.clientId}`}` : 'team';
}

/**
 * Ticket lists, kept for a few seconds and shared by everyone who would see the same rows. When a
 * ticket changes, every open inbox reloads the same view at once; this answers them with one
 * query instead of one each. Any committed change to a ticket drops every kept list on every node
 * (a database notice), so a list is never older than the last change that reached this node;
 * `ttlSeconds` bounds a lost notice and the "recently resolved" window moving on. 0 keeps none.
 */
export class TicketListCache {
  /** List pages (keys are JSON arrays) and what derives from tickets alone (`derived`'s keys). */
  private readonly copies: LocalCopies<object>;
  private unsubscribe: Unsubscribe | undefined;

  constructor(
    private readonly databaseEvents: PubSub,
    ttlSeconds: number,
  ) {
    this.copies = new LocalCopies({ ttlSeconds, max: MAX_ENTRIES, shared: true });
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.databaseEvents.subscribe(CHANNEL, () => this.changedHere());
  }

  list(db: Kysely<DB>, actor: TicketActor, filters: TicketFilters, page: Page): Promise<ListPage> {
    const sort: Sort = page.sort ?? '-created';
    const key = JSON.stringify([audience(actor, filters), filters, page.limit, page.cursor ?? null, sort]);
    return this.derived(key, () => listTickets(db, readScope(actor), filters, page));
  }

  /**
   * Anything else read from tickets and statuses alone (the inbox's view counts), under a key
   * that says whose it is, kept and dropped with the lists.
   */
  async derived<V extends object>(key: string, load: () => Promise<V>): Promise<V> {
    // `load` always answers, so the copy is never undefined; a key always holds what its load makes.
    return (await this.copies.get(key, load)) as V;
  }

  /** A ticket change committed by this process (its notice will follow), or the notice itself. */
  changedHere(): void {
    this.copies.clear();
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
    this.changedHere();
  }
}
