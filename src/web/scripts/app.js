// Small progressive enhancements; every page works without this file.
document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target.closest('[data-dismiss]') : null;
  if (target) target.closest('[data-dismissible]')?.remove();
});

// Destructive forms ask first: <form data-confirm="Delete this?">. Without scripts they submit directly.
document.addEventListener('submit', (event) => {
  const form = event.target instanceof HTMLFormElement ? event.target : null;
  const question = form?.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// Preference selects (language, theme) apply on change; their button is there for no-script use.
for (const select of document.querySelectorAll('select[data-autosubmit]')) {
  select.form?.querySelector('[data-autosubmit-button]')?.classList.add('sr-only');
  select.addEventListener('change', () => select.form?.requestSubmit());
}

// An open menu closes on a click elsewhere or on Escape, as menus do.
document.addEventListener('click', (event) => {
  for (const menu of document.querySelectorAll('details[data-menu][open]'))
    if (!(event.target instanceof Node && menu.contains(event.target))) menu.removeAttribute('open');
});
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  for (const menu of document.querySelectorAll('details[data-menu][open]')) {
    menu.removeAttribute('open');
    menu.querySelector('summary')?.focus();
  }
});

// The browser's time zone, for pages of people who have not chosen one in their profile.
try {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && !document.cookie.split('; ').includes(`sb_tz=${encodeURIComponent(zone)}`)) {
    const secure = location.protocol === 'https:' ? '; Secure' : '';
    document.cookie = `sb_tz=${encodeURIComponent(zone)}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
  }
} catch {
  // No Intl time zone support: times stay in UTC, labelled as such.
}

// Installable app: the service worker (/sw.js) keeps the shell's files and an offline page. It is
// told this page's language so the offline page speaks it. Signing out drops anything but those
// from its cache (the sign-out answer clears site data too; this is the belt to those braces).
if ('serviceWorker' in navigator) {
  const lang = document.documentElement.lang;
  navigator.serviceWorker
    .register('/sw.js', { scope: '/' })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => registration.active?.postMessage({ type: 'language', lang }))
    .catch(() => {
      // No worker (private mode, an old browser): the site works as before, only not offline.
    });
}
document.addEventListener('submit', (event) => {
  const form = event.target instanceof HTMLFormElement ? event.target : null;
  if (!form || new URL(form.action, location.href).pathname !== '/logout' || !('caches' in window)) return;
  const keep = (url) => {
    const path = new URL(url).pathname;
    return path.startsWith('/static/') || path === '/offline';
  };
  (async () => {
    for (const name of await caches.keys()) {
      if (!name.startsWith('switchboard-')) continue;
      const cache = await caches.open(name);
      for (const request of await cache.keys()) if (!keep(request.url)) await cache.delete(request);
    }
  })();
});
