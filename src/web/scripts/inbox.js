// The agent inbox: selection, bulk actions, the split view and keyboard shortcuts (progressive
// enhancement).
// Without this file every form still works; with it, the selection survives live reloads of the
// list, a reply draft survives the page's other forms, and the common actions have keys.

const root = () => document.querySelector('[data-inbox]');
const rows = () => [...document.querySelectorAll('[data-row]')];
const boxes = () => [...document.querySelectorAll('input[name="ticket"][form="bulk-form"]')];
const idOf = (box) => box.value.split(':')[0];

// The selection, the highlighted row and the row open beside the list, by ticket id, so a
// reloaded list gets them back.
const selected = new Set();
let currentId = null;
let openId = null;

let announced = 0;

function restoreList() {
  for (const box of boxes()) box.checked = selected.has(idOf(box));
  for (const row of rows()) {
    row.toggleAttribute('data-current', row.dataset.ticketId === currentId);
    row.toggleAttribute('data-open', row.dataset.ticketId === openId);
  }
  const chosen = boxes().filter((b) => b.checked).length;
  const count = document.querySelector('[data-selected-count]');
  if (count) count.textContent = String(chosen);
  // The bulk bar only while something is selected; the change is announced once.
  const bar = document.querySelector('[data-bulk-bar]');
  if (bar) bar.hidden = chosen === 0;
  const announce = document.querySelector('[data-selected-announce]');
  if (announce && chosen !== announced)
    announce.textContent = chosen ? `${chosen} ${announce.dataset.word}` : '';
  announced = chosen;
  const all = document.querySelector('[data-select-all]');
  if (all) all.checked = boxes().length > 0 && boxes().every((b) => b.checked);
}

function choose(box, checked) {
  box.checked = checked;
  if (checked) selected.add(idOf(box));
  else selected.delete(idOf(box));
}

document.addEventListener('change', (event) => {
  const target = event.target;
  if (!(target instanceof HTMLInputElement)) return;
  if (target.matches('[data-select-all]')) for (const box of boxes()) choose(box, target.checked);
  else if (target.name === 'ticket' && target.form?.id === 'bulk-form') {
    choose(target, target.checked);
    currentId = idOf(target);
  } else return;
  restoreList();
});
// afterSwap runs in the same task that put the new rows in, before the browser paints them, so a
// reloaded row never shows unselected; afterSettle again once htmx has settled the attributes.
document.addEventListener('htmx:afterSwap', restoreList);
document.addEventListener('htmx:afterSettle', restoreList);

function move(step) {
  const list = rows();
  if (list.length === 0) return;
  const at = list.findIndex((row) => row.dataset.ticketId === currentId);
  const next = list[Math.min(list.length - 1, Math.max(0, at === -1 ? 0 : at + step))];
  currentId = next.dataset.ticketId;
  restoreList();
  next.scrollIntoView({ block: 'nearest' });
}

const currentRow = () => rows().find((row) => row.dataset.ticketId === currentId);

function listKeys(event) {
  const row = currentRow();
  if (event.key === 'j') move(1);
  else if (event.key === 'k') move(-1);
  else if (event.key === 'x' && row) {
    const box = row.querySelector('input[name="ticket"]');
    choose(box, !box.checked);
    restoreList();
  } else if ((event.key === 'o' || event.key === 'Enter') && row) {
    const link = row.querySelector('[data-open]');
    if (!openBeside(link)) window.location.assign(link.href);
  } else return false;
  return true;
}

function write(visibility) {
  const radio = document.getElementById(`visibility-${visibility}`);
  const body = document.getElementById('field-body');
  if (!radio || !body) return;
  radio.checked = true;
  body.focus();
}

function ticketKeys(event) {
  if (event.key === 'r') write('public');
  else if (event.key === 'n') write('internal');
  else if (event.key === 'a') document.querySelector('[data-claim]')?.click();
  else if (event.key === 'u') window.location.assign('/inbox');
  else return false;
  return true;
}

// Keys go to fields that take text or choices; checkboxes, radios and buttons leave them to us.
const NOT_TYPED = new Set(['checkbox', 'radio', 'button', 'submit', 'reset']);
const typing = (target) => {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return !NOT_TYPED.has(target.type);
  return target.isContentEditable || target.closest('textarea, select, [contenteditable]') !== null;
};

document.addEventListener('keydown', (event) => {
  const kind = root()?.dataset.inbox;
  if (!kind || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
  if (typing(event.target) || document.querySelector('dialog[open]')) return;
  // Enter on a link or button already does what that element says.
  if (event.key === 'Enter' && event.target instanceof Element && event.target.closest('a, button')) return;
  let handled;
  if (event.key === '?') {
    document.getElementById('shortcuts')?.showModal();
    handled = true;
  } else if (event.key === '/' && kind === 'list') {
    document.getElementById('field-q')?.focus();
    handled = true;
  } else if (kind === 'list') {
    // A ticket open beside the list takes the ticket's keys too (r, n, a; u leaves it).
    handled = listKeys(event) || (pane()?.querySelector('[data-ticket-view]') ? ticketKeys(event) : false);
  } else handled = ticketKeys(event);
  if (handled) event.preventDefault();
});

document.addEventListener('click', (event) => {
  const opener = event.target instanceof Element ? event.target.closest('[data-shortcuts-open]') : null;
  if (opener) document.getElementById('shortcuts')?.showModal();
});

// A reply draft is kept per ticket until it is sent, so saving the ticket's fields never loses it.
function keepDraft() {
  const form = document.querySelector('[data-reply-form]');
  const body = form?.querySelector('textarea');
  if (!body) return;
  // By ticket, not by address: a refused form comes back under its action's URL.
  const key = `inbox-draft:${form.dataset.replyForm}`;
  const done = new URLSearchParams(window.location.search).get('done');
  if (done === 'reply' || done === 'note') sessionStorage.removeItem(key);
  else if (!body.value) body.value = sessionStorage.getItem(key) ?? '';
  body.addEventListener('input', () => sessionStorage.setItem(key, body.value));
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', keepDraft);
else keepDraft();
// A ticket opened beside the list keeps its draft the same way.
document.addEventListener('htmx:afterSettle', (event) => {
  if (event.target instanceof Element && event.target.matches('[data-ticket-pane]')) keepDraft();
});

// Split view: on wide screens a ticket opens beside the list (which stays live), under its own
// address, so reload and the back button work; on narrow screens links open the page as usual.
const WIDE = window.matchMedia('(min-width: 1280px)');
const pane = () => document.querySelector('[data-ticket-pane]');

function openBeside(link) {
  const target = pane();
  if (!link || !target || !WIDE.matches || !window.htmx) return false;
  openId = link.closest('[data-row]')?.dataset.ticketId ?? null;
  currentId = openId ?? currentId;
  restoreList();
  target.setAttribute('aria-busy', 'true');
  window.htmx
    .ajax('GET', link.href, { target, select: '[data-ticket-view]', swap: 'innerHTML' })
    .finally(() => target.removeAttribute('aria-busy'));
  window.history.pushState({ inboxPane: link.href }, '', link.href);
  return true;
}

document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  const link =
    event.target instanceof Element ? event.target.closest('[data-ticket-list] [data-open]') : null;
  if (link && openBeside(link)) event.preventDefault();
});
// Back or forward between list and ticket addresses: show what the address says.
window.addEventListener('popstate', () => {
  if (root()?.dataset.inbox === 'list') window.location.reload();
});

// Buttons show that their request runs: busy at once, disabled after the form has been sent (so
// the button's own name and value still go along); a page from the back-forward cache is reset.
document.addEventListener('submit', (event) => {
  if (event.defaultPrevented || !(event.target instanceof HTMLFormElement)) return;
  if (event.target.method === 'dialog') return;
  // Filters left empty stay out of the address (the form is built after this event).
  if (event.target.matches('[data-filter-form]'))
    for (const control of event.target.elements)
      if (
        (control instanceof HTMLInputElement || control instanceof HTMLSelectElement) &&
        control.value === ''
      )
        control.disabled = true;
  const button = event.submitter ?? event.target.querySelector('[type="submit"]');
  if (!(button instanceof HTMLButtonElement)) return;
  button.setAttribute('aria-busy', 'true');
  setTimeout(() => {
    button.disabled = true;
  });
});
window.addEventListener('pageshow', () => {
  for (const control of document.querySelectorAll('[data-filter-form] [disabled]')) control.disabled = false;
  for (const button of document.querySelectorAll('button[aria-busy="true"]')) {
    button.removeAttribute('aria-busy');
    button.disabled = false;
  }
  restoreList();
});

restoreList();

// The SMS composer's count (an SMS ticket's reply form): characters and parts as the customer's
// phone counts them (3GPP TS 23.038, as the server's sms-segments-calculator does). One character
// outside the GSM-7 alphabet sends the whole text as UCS-2: 70 characters a text instead of 160.
const GSM7 =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '^{}\\[~]|€\f';

function smsParts(text) {
  const chars = [...text];
  const gsm = chars.every((c) => GSM7.includes(c) || GSM7_EXTENDED.includes(c));
  if (gsm) {
    const septets = chars.reduce((n, c) => n + (GSM7_EXTENDED.includes(c) ? 2 : 1), 0);
    return {
      encoding: 'GSM-7',
      characters: chars.length,
      parts: septets <= 160 ? 1 : Math.ceil(septets / 153),
    };
  }
  const units = text.length; // UTF-16 code units: an emoji is two
  return { encoding: 'UCS-2', characters: chars.length, parts: units <= 70 ? 1 : Math.ceil(units / 67) };
}

function countSms() {
  const out = document.querySelector('[data-sms-count]');
  const body = document.getElementById('field-body');
  if (!out || !body) return;
  const internal = document.getElementById('visibility-internal')?.checked;
  out.dataset.hint ??= out.textContent;
  if (internal || body.value.length === 0) {
    out.textContent = out.dataset.hint;
    out.classList.remove('text-warning-ink');
    out.removeAttribute('data-too-long');
    return;
  }
  const { encoding, characters, parts } = smsParts(body.value);
  const fill = (template) =>
    template.replaceAll('%c', String(characters)).replaceAll('%s', String(parts)).replaceAll('%e', encoding);
  const long = parts > Number(out.dataset.warnAfter);
  out.textContent = long ? `${fill(out.dataset.count)} — ${fill(out.dataset.long)}` : fill(out.dataset.count);
  out.classList.toggle('text-warning-ink', long);
  out.toggleAttribute('data-too-long', long);
}

document.addEventListener('input', (event) => {
  if (
    event.target instanceof HTMLElement &&
    (event.target.id === 'field-body' || event.target.name === 'visibility')
  )
    countSms();
});
document.addEventListener('DOMContentLoaded', countSms);
