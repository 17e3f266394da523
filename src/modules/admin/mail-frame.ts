/**
 * Headers for a stored mail's HTML part, served on its own URL and shown in a sandboxed iframe.
 * An `srcdoc` frame would inherit the page's CSP, which forbids the inline styles every mail
 * uses; this document gets its own policy instead. The CSP `sandbox` directive applies even when
 * the URL is opened directly, so the mail never runs with the site's origin: no scripts, no forms,
 * no same-origin access. Links may open a new tab or, on a click, replace the admin page.
 */
export const MAIL_FRAME_SANDBOX =
  'allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation';

export const mailFrameHeaders: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    'img-src data: https:',
    "form-action 'none'",
    "base-uri 'none'",
    "frame-ancestors 'self'",
    `sandbox ${MAIL_FRAME_SANDBOX}`,
  ].join('; '),
  'x-frame-options': 'SAMEORIGIN',
  'referrer-policy': 'no-referrer',
};

const BASE = '<base target="_top">';

/** Makes the mail's links leave the frame (our own pages refuse to be framed). */
export function withTopLevelLinks(html: string): string {
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (!head) return BASE + html;
  const at = head.index + head[0].length;
  return html.slice(0, at) + BASE + html.slice(at);
}
