// The agent inbox: selection, bulk actions and keyboard shortcuts (progressive enhancement).
// Without this file every form still works; with it, the selection survives live reloads of the
// list, a reply draft survives the page's other forms, and the common actions have keys.

const root = () => document.querySelector('[data-inbox]');
const rows = () => [...document.querySelectorAll('[data-row]')];
const boxes = () => [...document.querySelectorAll('input[name="ticket"][form="bulk-form"]')];
const idOf = (box) => box.value.split(':')[0];

// The selection and the highlighted row, by ticket id, so a reloaded list gets them back.
const selected = new Set();
let currentId = null;

function restoreList() {
  for (const box of boxes()) box.checked = selected.has(idOf(box));
  for (const row of rows()) row.toggleAttribute('data-current', row.dataset.ticketId === currentId);
  const count = document.querySelector('[data-selected-count]');
  if (count) count.textContent = String(boxes().filter((b) => b.checked).length);
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
    window.location.assign(row.querySelector('[data-open]').href);
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
  } else handled = kind === 'list' ? listKeys(event) : ticketKeys(event);
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
