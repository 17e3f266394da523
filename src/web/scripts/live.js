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
  'mail_undelivered',
  'text_delivered',
  'text_undelivered',
];
const SETTLE_MS = 150;
const RETRY_MS = 10_000;

function connect(element) {
  const url = element.dataset.liveStream;
  if (!url || element.dataset.liveConnected) return;
  element.dataset.liveConnected = 'true';
  const source = new EventSource(url);
  element.liveSource = source;
  const status = element.querySelector('[data-live-status]') ?? document.querySelector('[data-live-status]');
  // The words come from the page (data-text-live …), in the reader's language.
  const show = (state, text) => {
    if (!status) return;
    status.dataset.state = state;
    status.textContent = status.dataset[`text${state[0].toUpperCase()}${state.slice(1)}`] ?? text;
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
  source.addEventListener('error', () => {
    if (source.readyState !== EventSource.CLOSED) return show('reconnecting', 'Reconnecting…');
    // The server refused the stream (EventSource gives up on any answer but 200): the session
    // ended or the ticket is gone. The page itself then says what is wrong; anything else is
    // passing (a restart), so try again a little later.
    show('offline', 'Offline');
    fetch(window.location.href, { credentials: 'same-origin' })
      .then((page) => {
        if (page.redirected || [401, 403, 404].includes(page.status)) window.location.reload();
        else setTimeout(() => reconnect(element), RETRY_MS);
      })
      .catch(() => setTimeout(() => reconnect(element), RETRY_MS));
  });
  window.addEventListener('pagehide', () => source.close(), { once: true });
}

function reconnect(element) {
  delete element.dataset.liveConnected;
  connect(element);
}

// A live reload that came back from somewhere else (a redirect: the session ended, so the sign-in
// page) must not be swapped into this page; reloading the whole page shows it properly instead.
function guardRedirectedReloads() {
  document.body.addEventListener('htmx:beforeSwap', (event) => {
    const { xhr, requestConfig } = event.detail;
    if (!xhr?.responseURL || !requestConfig?.path) return;
    const asked = new URL(requestConfig.path, window.location.href).pathname;
    if (new URL(xhr.responseURL).pathname === asked) return;
    event.detail.shouldSwap = false;
    window.location.reload();
  });
}

function start() {
  const streams = document.querySelectorAll('[data-live-stream]');
  if (streams.length > 0) guardRedirectedReloads();
  for (const element of streams) connect(element);
}

// A ticket opened beside the inbox list (split view) brings its own stream: follow it too, and
// close the one of the ticket it replaces.
document.addEventListener('htmx:beforeSwap', (event) => {
  const pane =
    event.target instanceof Element && event.target.matches('[data-ticket-pane]') ? event.target : null;
  for (const element of pane?.querySelectorAll('[data-live-stream]') ?? []) element.liveSource?.close();
});
document.addEventListener('htmx:afterSettle', (event) => {
  const pane = event.target instanceof Element ? event.target.closest('[data-ticket-pane]') : null;
  for (const element of pane?.querySelectorAll('[data-live-stream]') ?? []) connect(element);
});
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
