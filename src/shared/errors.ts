/**
 * The one catalogue of errors Switchboard answers with. `code` is stable (clients may branch on
 * it), `title` is safe to show anyone, `status` is the HTTP status. Features add codes here so the
 * catalogue stays one list (RFC 9457 `type` is derived from the code).
 */
export const ERRORS = {
  bad_request: { status: 400, title: 'The request is malformed.' },
  invalid_json: { status: 400, title: 'The request body is not valid JSON.' },
  validation_failed: { status: 400, title: 'Some fields are invalid.' },
  unauthenticated: { status: 401, title: 'Sign in to continue.' },
  invalid_credentials: { status: 401, title: 'The email address or password is incorrect.' },
  email_not_verified: {
    status: 403,
    title: 'Confirm your email address first: we have sent you a new link.',
  },
  account_disabled: { status: 403, title: 'This account is disabled. Contact your administrator.' },
  signup_disabled: { status: 403, title: 'Sign-up is by invitation only here.' },
  mfa_required: { status: 401, title: 'Enter a code from your second factor to finish signing in.' },
  mfa_enrollment_required: {
    status: 403,
    title: 'Your role requires two-factor authentication. Set it up to continue.',
  },
  invalid_code: { status: 401, title: 'That code is not valid. Check it and try again.' },
  reauth_required: { status: 401, title: 'Confirm your password again to change security settings.' },
  forbidden: { status: 403, title: 'You are not allowed to do that.' },
  csrf_failed: {
    status: 403,
    title: 'The form expired or came from another site. Reload the page and try again.',
  },
  not_found: { status: 404, title: 'Nothing was found at this address.' },
  method_not_allowed: { status: 405, title: 'This method is not allowed here.' },
  not_acceptable: { status: 406, title: 'This address only answers in a format the request did not accept.' },
  conflict: { status: 409, title: 'The resource changed or already exists.' },
  precondition_failed: { status: 412, title: 'The resource changed since you read it.' },
  precondition_required: {
    status: 428,
    title: 'Say which version you are changing: send If-Match with the ETag you read.',
  },
  payload_too_large: { status: 413, title: 'The request body is too large.' },
  unsupported_media_type: { status: 415, title: 'This content type is not accepted here.' },
  rate_limited: { status: 429, title: 'Too many requests. Try again later.' },
  internal: { status: 500, title: 'Something went wrong on our side. It has been logged.' },
  service_unavailable: { status: 503, title: 'The service is not ready. Try again shortly.' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

/**
 * The same explanation as a message key of the catalogue and its values (`tickets:errors.subject`),
 * so a page or an API answer can give it in the reader's language; `detail` stays the English text.
 */
export interface Said {
  key: string;
  values?: Record<string, string | number>;
}

export interface FieldError {
  /** JSON Pointer into the request, e.g. `/body/email`. */
  pointer: string;
  detail: string;
  said?: Said;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    /** Safe, specific explanation for this occurrence; shown to the client. */
    readonly detail?: string,
    readonly extras: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      /** `detail` as a message key, for the reader's language. */
      said?: Said;
      [key: string]: unknown;
    } = {},
  ) {
    super(detail ?? ERRORS[code].title);
    this.status = ERRORS[code].status;
  }
}

/** A refusal of one field, worded in English and by message key (`invalidField('/body/subject', …)`). */
export const invalidField = (pointer: string, detail: string, said: Said) =>
  new AppError('validation_failed', detail, { errors: [{ pointer, detail, said }], said });

/** A refusal worded in English and by message key. */
export const refusal = (code: ErrorCode, detail: string, said: Said) => new AppError(code, detail, { said });

export const notFound = (detail?: string) => new AppError('not_found', detail);
export const forbidden = (detail?: string) => new AppError('forbidden', detail);
export const conflict = (detail?: string) => new AppError('conflict', detail);
