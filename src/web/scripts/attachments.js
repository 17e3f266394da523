// Ticket forms' attachments (progressive enhancement; without this file the form sends its files
// itself and the server keeps the valid ones). With it: files over the server's limit, or beyond
// its count, are taken out of the selection before anything is sent, with a message; chosen
// images get a preview; and on submit the files go to the upload API first, with a progress bar,
// and ride along as `attachmentIds`, as files kept from an earlier submit do.

const say = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? '');

function setUp(box) {
  const input = box.querySelector('input[type="file"]');
  const form = input?.form;
  if (!input || !form || typeof DataTransfer === 'undefined') return;
  const maxBytes = Number(box.dataset.maxBytes) || Number.POSITIVE_INFINITY;
  const maxFiles = Number(box.dataset.maxFiles) || Number.POSITIVE_INFINITY;
  const refused = box.querySelector('[data-attachments-refused]');
  const chosen = box.querySelector('[data-attachments-chosen]');
  const progress = box.querySelector('[data-attachments-progress]');
  let urls = [];

  const keptCount = () => form.querySelectorAll('input[name="attachmentIds"]').length;

  function show() {
    for (const url of urls) URL.revokeObjectURL(url);
    urls = [];
    chosen.replaceChildren();
    for (const file of input.files) {
      const item = document.createElement('li');
      item.className = 'flex items-center gap-2 text-sm text-ink';
      item.dataset.testid = 'chosen-file';
      if (file.type.startsWith('image/')) {
        const url = URL.createObjectURL(file);
        urls.push(url);
        const img = document.createElement('img');
        img.src = url;
        img.alt = say(box.dataset.msgPreview, { name: file.name });
        img.className = 'size-16 rounded border border-line object-cover';
        img.dataset.testid = 'preview';
        item.append(img);
      }
      const name = document.createElement('span');
      name.textContent = file.name;
      item.append(name);
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'btn btn-ghost btn-sm';
      remove.textContent = '×';
      remove.setAttribute('aria-label', say(box.dataset.msgRemove, { name: file.name }));
      remove.addEventListener('click', () => {
        const rest = new DataTransfer();
        for (const other of input.files) if (other !== file) rest.items.add(other);
        input.files = rest.files;
        show();
        input.focus();
      });
      item.append(remove);
      chosen.append(item);
    }
  }

  input.addEventListener('change', () => {
    const kept = new DataTransfer();
    const messages = [];
    for (const file of input.files) {
      if (file.size > maxBytes) messages.push(say(box.dataset.msgTooBig, { name: file.name }));
      else if (kept.files.length + keptCount() >= maxFiles)
        messages.push(say(box.dataset.msgTooMany, { name: file.name }));
      else kept.items.add(file);
    }
    if (messages.length > 0) input.files = kept.files;
    refused.textContent = messages.join(' ');
    refused.hidden = messages.length === 0;
    show();
  });

  form.addEventListener('submit', (event) => {
    if (input.files.length === 0 || form.dataset.uploading) return;
    event.preventDefault();
    form.dataset.uploading = 'true';
    const body = new FormData();
    for (const file of input.files) body.append('file', file, file.name);
    const request = new XMLHttpRequest();
    request.open('POST', '/api/v1/uploads');
    request.setRequestHeader('X-CSRF-Token', form.elements._csrf?.value ?? '');
    request.setRequestHeader('Accept', 'application/json');
    progress.hidden = false;
    progress.value = 0;
    request.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
    });
    // Whatever goes wrong here, the form itself still sends the files and the server answers.
    const fallBack = () => {
      progress.hidden = true;
      form.submit();
    };
    request.addEventListener('error', fallBack);
    request.addEventListener('load', () => {
      if (request.status !== 201) return fallBack();
      progress.value = 100;
      for (const item of JSON.parse(request.responseText).items) {
        const hidden = document.createElement('input');
        hidden.type = 'hidden';
        hidden.name = 'attachmentIds';
        hidden.value = item.id;
        form.append(hidden);
      }
      input.value = '';
      form.submit();
    });
    request.send(body);
  });
}

for (const box of document.querySelectorAll('[data-attachments]')) setUp(box);
