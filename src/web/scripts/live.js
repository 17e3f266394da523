// Live ticket pages: an element with data-live-stream="<SSE URL>" keeps an EventSource open to it.
// Every event becomes one `live-update` DOM event on <body> (bursts are folded into one), which
// htmx fragments listen for with hx-trigger="live-update from:body" and reload themselves.
// EventSource reconnects on its own and sends Last-Event-ID, so nothing in between is lost.
// Pages work without this file: they show what was current when they loaded.

// The timeline kinds the server sends as SSE event names (see recordEvent in the tickets module).
const KINDS = [
  'created',
  'reply',
  'note',
  'status',
  'assignee',
  'priority',
  'category',
  'tags',
  'time_logged',
];
const SETTLE_MS = 150;

function connect(element) {
  const url = element.dataset.liveStream;
  if (!url || element.dataset.liveConnected) return;
  element.dataset.liveConnected = 'true';
  const source = new EventSource(url);
  const status = document.querySelector('[data-live-status]');
  const show = (state, text) => {
    if (!status) return;
    status.dataset.state = state;
    status.textContent = text;
  };
  let pending = [];
  let timer;
  const onEvent = (event) => {
    try {
      pending.push({ id: event.lastEventId, kind: event.type, ...JSON.parse(event.data) });
    } catch {
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(() => {
      const events = pending;
      pending = [];
      document.body.dataset.liveLastEventId = events[events.length - 1].id;
      document.body.dispatchEvent(new CustomEvent('live-update', { detail: { events } }));
    }, SETTLE_MS);
  };
  for (const kind of KINDS) source.addEventListener(kind, onEvent);
  source.addEventListener('open', () => show('live', 'Live'));
  source.addEventListener('error', () =>
    show('reconnecting', source.readyState === EventSource.CLOSED ? 'Offline' : 'Reconnecting…'),
  );
  window.addEventListener('pagehide', () => source.close(), { once: true });
}

function start() {
  for (const element of document.querySelectorAll('[data-live-stream]')) connect(element);
}
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
