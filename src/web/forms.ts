import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { csrfTokenFor } from '../identity/csrf.js';
import { AppError, type ErrorCode } from '../shared/errors.js';
import { preparePage } from './page-context.js';

/** Form posts are read leniently and checked in the use case, so mistakes come back as form messages. */
export const FormBody = Type.Record(Type.String(), Type.Unknown());

export const formField = (body: unknown, name: string): string => {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim().slice(0, 1024) : '';
};

/** A long text field (a message) as typed: untrimmed and uncut, for the use case to check. */
export const formText = (body: unknown, name: string): string => {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

/**
 * A refusal's field errors by form field: the last segment of each pointer, renamed where the
 * page calls a field differently from the use case (`{ assigneeId: 'assignee' }`).
 */
export function fieldErrors(
  error: AppError,
  rename: Record<string, string> = {},
  t?: Translate,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const e of error.extras.errors ?? []) {
    const field = e.pointer.split('/').pop()!;
    errors[rename[field] ?? field] ??= e.said && t ? t(e.said.key, e.said.values) : e.detail;
  }
  return errors;
}

type Translate = (key: string, values?: Record<string, string | number>) => string;

export interface FormState {
  values?: Record<string, string>;
  errors?: Record<string, string>;
  messages?: { type: 'success' | 'info' | 'warning' | 'error'; text: string }[];
  [key: string]: unknown;
}

export async function renderPage(
  request: FastifyRequest,
  reply: FastifyReply,
  template: string,
  state: FormState,
  status = 200,
) {
  const { config } = request.server.platform;
  return reply.code(status).view(template, {
    values: {},
    errors: {},
    messages: [],
    ...state,
    csrfToken: csrfTokenFor(request, reply),
    minLength: config.PASSWORD_MIN_LENGTH,
    signupEnabled: config.SIGNUP_ENABLED,
  });
}

/** A page to re-render on refusal: a template, or a function that rebuilds the page around the state. */
export type FormPage = string | ((state: FormState, status: number) => Promise<FastifyReply>);

export interface FormOptions {
  /** Field names as the page calls them, by the use case's name (`{ assigneeId: 'assignee' }`). */
  rename?: Record<string, string>;
  /** The page's own words for a refusal; when it answers, the message shows even beside field errors. */
  messageFor?: (error: AppError) => string | undefined;
  /** Codes the error handler should answer instead of the form (`csrf_failed` always is). */
  passThrough?: readonly ErrorCode[];
}

/**
 * A refusal as page state: field errors next to their fields, otherwise (or when the page words it)
 * one message: the error's own detail, else its title in the page's language.
 */
export function refusalState(error: AppError, options: FormOptions = {}, t?: Translate): FormState {
  const errors = fieldErrors(error, options.rename, t);
  const { said } = error.extras;
  const told =
    (said && t ? t(said.key, said.values) : error.detail) ??
    t?.(`errors:titles.${error.code}`) ??
    error.message;
  const text = options.messageFor?.(error) ?? (Object.keys(errors).length ? undefined : told);
  return { errors, messages: text ? [{ type: 'error', text }] : [] };
}

/**
 * A refusal from the catalogue as the page's state, in the page's language; anything else (and a
 * failed CSRF check) is thrown on to the error handler.
 */
export async function pageRefusal(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  options: FormOptions = {},
): Promise<FormState> {
  if (!(error instanceof AppError) || error.code === 'csrf_failed') throw error;
  const { t } = await preparePage(request, reply);
  return refusalState(error, options, t);
}

/** Most admin forms need a fresh password confirmation; this is what they say when it is missing. */
export const confirmFirst = (error: AppError) =>
  error.code === 'reauth_required' ? 'Confirm your password first, then try again.' : undefined;

/**
 * Runs a form's use case; a refusal from the catalogue re-renders the same page with the message
 * (per-field where the error names fields), the error's headers (Retry-After) and its status.
 * Anything else is a real error for the error handler.
 */
export async function handleForm(
  request: FastifyRequest,
  reply: FastifyReply,
  page: FormPage,
  state: FormState,
  run: () => Promise<FastifyReply | undefined>,
  options: FormOptions = {},
): Promise<FastifyReply | undefined> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof AppError) || error.code === 'csrf_failed') throw error;
    if (options.passThrough?.includes(error.code)) throw error;
    if (error.extras.headers) reply.headers(error.extras.headers);
    const refused = { ...state, ...refusalState(error, options, request.page?.t) };
    return typeof page === 'string'
      ? renderPage(request, reply, page, refused, error.status)
      : page(refused, error.status);
  }
}

/** After a wrong password in the re-confirmation form (it sends people back with `?reauth=failed`). */
export const reauthNotice = (request: FastifyRequest) =>
  (request.query as { reauth?: string } | undefined)?.reauth === 'failed'
    ? [{ type: 'error' as const, text: 'That password is not correct.' }]
    : [];
