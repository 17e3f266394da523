import type { FastifyReply, FastifyRequest } from 'fastify';
import { runAsDbActor } from '../../platform/db/actor-context.js';
import { AppError } from '../../shared/errors.js';
import { TICKETS_CHANNEL } from './live-channel.js';
import { seesAll, type TicketActor } from './policy.js';
import { type EventScope, eventsAfter, latestEventId } from './repo/events.js';
import { streamStillAllowed } from './stream-access.js';

/**
 * Live updates: every change to a ticket is a row in ticket_events (its id is the SSE event id).
 * After a change commits, the node that made it sends a nudge on TICKETS_CHANNEL; every node with
 * open streams then reads the new rows each stream may see and writes them out. A browser that
 * reconnects sends Last-Event-ID and gets what it missed from the same table.
 */
const HEARTBEAT_MS = 25_000;
const BATCH = 200;

interface StreamScope {
  actor: TicketActor;
  /** One ticket's thread, or every ticket the actor sees (the inbox). */
  ticketId?: string;
}

/** The timeline a stream shows: the team every entry, a requester the public ones of their own tickets. */
function eventScope({ actor, ticketId }: StreamScope): EventScope | undefined {
  const one = ticketId ? { ticketId } : {};
  if (seesAll(actor)) return { ...one, withInternal: true };
  return actor.userId ? { ...one, requesterId: actor.userId, withInternal: false } : undefined;
}

/** Serves a text/event-stream until the client goes away (only to clients that ask for one). */
export async function serveEventStream(request: FastifyRequest, reply: FastifyReply, scope: StreamScope) {
  if (!String(request.headers.accept ?? '').includes('text/event-stream'))
    throw new AppError('not_acceptable', 'Ask for Accept: text/event-stream (EventSource does).');
  const { db } = request.server.platform.database;
  const pubsub = request.server.platform.pubsub;
  const header = request.headers['last-event-id'];
  // A fresh stream starts from now: the page shows what it loaded, the stream what follows.
  let lastId = typeof header === 'string' && /^\d{1,18}$/.test(header) ? header : await latestEventId(db);
  const events = eventScope(scope);
  const dbActor = { ...request.dbActor };
  // A stream outlives the request that opened it: it ends as soon as that request would no longer
  // be allowed (session or token gone, account disabled, roles or scopes narrowed).
  const stillAllowed = streamStillAllowed(request, scope.actor);

  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let closed = false;
  // Nothing is written once the client is gone (a late read must not write after the end).
  const send = (text: string) => {
    if (!closed && !res.writableEnded) res.write(text);
  };
  send('retry: 3000\n\n');

  let running: Promise<void> = Promise.resolve();
  const flush = () => {
    running = running
      .then(() =>
        runAsDbActor(dbActor, async () => {
          for (;;) {
            if (closed) return;
            // Someone who sees no one's tickets (an integration without read:any) gets no events.
            const rows = events ? await eventsAfter(db, events, lastId, BATCH) : [];
            // Asked after the read, not before: everything read was committed before this check,
            // so a revocation committed before an event is always seen before that event is sent.
            // (Checked first, a slow check let a batch read later carry events made after it.)
            if (!(await stillAllowed())) return close();
            for (const row of rows) {
              const data = JSON.stringify({
                ticketId: row.ticket_id,
                kind: row.kind,
                from: row.from_value,
                to: row.to_value,
                actorId: row.actor_id,
                at: row.created_at.toISOString(),
              });
              send(`id: ${row.id}\nevent: ${row.kind}\ndata: ${data}\n\n`);
              lastId = row.id;
            }
            if (rows.length < BATCH) return;
          }
        }),
      )
      .catch((error) => request.log.warn({ err: error }, 'ticket stream read failed'));
  };
  const unsubscribe = await pubsub.subscribe(TICKETS_CHANNEL, (message) => {
    const ticketId = (message as { ticketId?: string }).ticketId;
    if (!scope.ticketId || ticketId === scope.ticketId) flush();
  });
  const heartbeat = setInterval(() => {
    stillAllowed()
      .then((yes) => (yes ? send(': keep-alive\n\n') : close()))
      .catch((error) => request.log.warn({ err: error }, 'ticket stream access check failed'));
  }, HEARTBEAT_MS);
  // Whatever happened between the client's last event and the subscription.
  flush();
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    void unsubscribe();
    res.end();
  };
  request.raw.on('close', close);
  return close;
}
