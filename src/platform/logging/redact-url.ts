/**
 * Secrets that travel in URLs (sign-in, reset, verification and invitation links, OAuth codes,
 * states and interaction ids) are cut out of every URL and message before it is logged: anyone
 * who reads the logs must not be able to sign in as somebody else (OWASP ASVS 5.0 V16.2.5).
 */
const CENSOR = '[redacted]';

/**
 * Query or form parameters whose value is a secret: any name containing one of these words, so
 * `token`, `access_token`, `id_token_hint`, `code`, `code_verifier`, `client_secret`, `api_key`…
 * Over-redacting a harmless parameter (`postcode`) costs nothing; missing one leaks a sign-in.
 */
const SECRET_PARAM =
  /(^|[?&;\s"'(])([\w.%-]*(?:token|code|state|key|secret|pass|pwd|nonce|otp|sig|session|sid|auth|jwt|assertion|verifier|challenge|ticket_hash|uid)[\w.%-]*)=([^&;#\s"'<>)]*)/gi;

/**
 * Path segments that are secrets: an id of an OAuth sign-in in progress (oidc-provider's
 * `/oauth/interaction/:uid`, `/oauth/auth/:uid`) or any other long random segment under the sign-in
 * routes (`/auth/...`, `/oauth/...`, `/api/v1/auth/...`). Sixteen or more URL-safe characters
 * that are not a plain word.
 */
const SECRET_SEGMENT_ROUTE = /(\/(?:api\/v\d+\/)?o?auth\/)([^?#\s"'<>]*)/gi;
const RANDOM_SEGMENT = /^[A-Za-z0-9_~.-]{16,}$/;
const WORDS = /^[a-z]+(?:-[a-z]+)*$/;

function redactSegments(path: string): string {
  return path
    .split('/')
    .map((segment) => (RANDOM_SEGMENT.test(segment) && !WORDS.test(segment) ? CENSOR : segment))
    .join('/');
}

/** Any text (a URL, a path with its query, an error message) with its secrets replaced. */
export function redactSecrets(text: string): string {
  return text
    .replace(SECRET_SEGMENT_ROUTE, (_all, prefix: string, rest: string) => prefix + redactSegments(rest))
    .replace(SECRET_PARAM, (_all, lead: string, name: string) => `${lead}${name}=${CENSOR}`);
}

/** A request URL as it may be logged. Most URLs have no query and no sign-in path: returned as is. */
export function redactUrl(url: string): string {
  if (!url.includes('?') && !/auth\//i.test(url)) return url;
  return redactSecrets(url);
}
