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
