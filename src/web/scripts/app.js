// Small progressive enhancements; every page works without this file.
document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target.closest('[data-dismiss]') : null;
  if (target) target.closest('[data-dismissible]')?.remove();
});
