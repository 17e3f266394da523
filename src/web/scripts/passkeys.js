// Passkey forms (sign-in, second factor, adding one on the security page). A form marked
// `data-passkey="authenticate"` or `data-passkey="register"` stays hidden unless this browser can
// use passkeys. On submit, this script fetches WebAuthn options from the JSON API, lets the
// browser talk to the authenticator (via @simplewebauthn/browser, loaded before this file), puts
// the answer in the form's hidden fields and submits it; the server does the rest as for any form.
//
// The security page loads this file, so it also carries that page's other enhancement: the
// "Copy codes" button next to new backup codes (hidden without a script or a writable clipboard).
(() => {
  for (const button of document.querySelectorAll('button[data-copy-codes]')) {
    if (!navigator.clipboard?.writeText) continue;
    button.hidden = false;
    button.addEventListener('click', async () => {
      const list = document.getElementById(button.dataset.copyCodes);
      const codes = [...(list?.querySelectorAll('li') ?? [])].map((item) => item.textContent.trim());
      const status = button.parentElement?.querySelector('[data-copy-status]');
      try {
        await navigator.clipboard.writeText(`${codes.join('\n')}\n`);
        if (status) status.textContent = button.dataset.copiedText ?? '';
      } catch {
        // The browser refused the clipboard (permissions); the codes stay on screen to copy by hand.
      }
    });
  }
})();

(() => {
  const webauthn = window.SimpleWebAuthnBrowser;
  const forms = document.querySelectorAll('form[data-passkey]');
  if (!webauthn?.browserSupportsWebAuthn()) return;

  const optionsUrl = {
    authenticate: '/api/v1/auth/passkey/options',
    register: '/api/v1/me/passkeys/options',
  };

  async function fetchOptions(form) {
    const response = await fetch(optionsUrl[form.dataset.passkey], {
      method: 'POST',
      headers: { 'x-csrf-token': form.elements._csrf.value, accept: 'application/json' },
      credentials: 'same-origin',
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.detail || body.title || 'Passkeys are not available right now.');
    return body;
  }

  function showError(form, message) {
    const slot = form.querySelector('[data-passkey-error]');
    slot.textContent = message;
    slot.hidden = false;
  }

  for (const form of forms) {
    form.hidden = false;
    form.addEventListener('submit', async (event) => {
      if (form.elements.credential.value) return; // second pass: the answer is in, let it go
      event.preventDefault();
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      try {
        const { challengeId, options } = await fetchOptions(form);
        const credential =
          form.dataset.passkey === 'register'
            ? await webauthn.startRegistration({ optionsJSON: options })
            : await webauthn.startAuthentication({ optionsJSON: options });
        form.elements.challengeId.value = challengeId;
        form.elements.credential.value = JSON.stringify(credential);
        form.submit();
      } catch (error) {
        // NotAllowedError: the person cancelled or the prompt timed out; nothing went wrong.
        const cancelled =
          error && (error.name === 'NotAllowedError' || error.code === 'ERROR_CEREMONY_ABORTED');
        showError(
          form,
          cancelled ? 'The passkey prompt was closed. Try again when you are ready.' : error.message,
        );
        button.disabled = false;
      }
    });
  }
})();
