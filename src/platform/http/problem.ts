import type { FastifyError } from 'fastify';
import { AppError, ERRORS, type ErrorCode, type FieldError } from '../../shared/errors.js';

/** RFC 9457 problem details, as sent to API clients. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  requestId: string;
  errors?: FieldError[];
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_NOT_FOUND: 'not_found',
  FST_ERR_RATE_LIMITED: 'rate_limited',
};

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/**
 * Maps anything thrown into a catalogue entry. Only AppErrors and known framework errors carry a
 * detail to the client; any other error becomes `internal` with no detail, so no stack, SQL or
 * message from a library can leak.
 */
/**
 * The problem document for a thrown error. `translate` gives the title in the caller's language
 * (`errors:titles.<code>`); without it the catalogue's English title is used.
 */
export function toProblem(
  error: unknown,
  requestId: string,
  instance: string,
  translate?: (key: string, values?: Record<string, string | number>) => string,
): Problem {
  const base = (code: ErrorCode, detail?: string, errors?: FieldError[]): Problem => ({
    type: `https://switchboard.dev/problems/${code.replaceAll('_', '-')}`,
    title: translate?.(`errors:titles.${code}`) ?? ERRORS[code].title,
    status: ERRORS[code].status,
    code,
    ...(detail ? { detail } : {}),
    instance,
    requestId,
    ...(errors ? { errors } : {}),
  });
  if (error instanceof AppError) {
    const said = error.extras.said;
    const detail = said && translate ? translate(said.key, said.values) : error.detail;
    const errors = error.extras.errors?.map((e) =>
      e.said && translate ? { pointer: e.pointer, detail: translate(e.said.key, e.said.values) } : e,
    );
    return base(error.code, detail, errors);
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) {
    const part = fastifyError.validationContext ?? 'body';
    const errors = fastifyError.validation.map((v) => {
      const e = fieldError(part, v);
      return {
        pointer: e.pointer,
        detail: e.said && translate ? translate(e.said.key, e.said.values) : e.detail,
      };
    });
    return base('validation_failed', errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), errors);
  }
  const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (known) return base(known, fastifyError.message);
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) return base(STATUS_CODES[status] ?? 'bad_request');
  return base('internal');
}

interface ValidationIssue {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** The schema keywords whose refusal the catalogue words (`errors:fields.<name>`), by keyword. */
const WORDED: Record<string, string> = {
  required: 'required',
  additionalProperties: 'notAllowed',
  boolean: 'notAllowed',
  minLength: 'minLength',
  maxLength: 'maxLength',
  minimum: 'minimum',
  maximum: 'maximum',
  exclusiveMinimum: 'minimum',
  exclusiveMaximum: 'maximum',
  minItems: 'minItems',
  maxItems: 'maxItems',
  format: 'format',
  pattern: 'pattern',
  const: 'oneOf',
  enum: 'oneOf',
  anyOf: 'oneOf',
  type: 'type',
};

function fieldError(part: string, issue: ValidationIssue): FieldError {
  const missing = issue.params?.requiredProperties as string[] | undefined;
  const missingOne = (issue.params?.missingProperty as string | undefined) ?? missing?.[0];
  const path = `${issue.instancePath ?? ''}${missingOne ? `/${missingOne}` : ''}`;
  const detail = missingOne ? 'is required' : (issue.message ?? 'is invalid');
  const worded = missingOne ? 'required' : WORDED[issue.keyword ?? ''];
  const values: Record<string, string | number> = {};
  for (const name of ['limit', 'comparison', 'format', 'type'])
    if (typeof issue.params?.[name] === 'string' || typeof issue.params?.[name] === 'number')
      values[name] = issue.params[name] as string | number;
  return {
    pointer: `/${part}${path}`,
    detail,
    ...(worded ? { said: { key: `errors:fields.${worded}`, values } } : {}),
  };
}
