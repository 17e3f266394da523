import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { csrfTokenFor } from '../identity/csrf.js';
import { hasRecentAuth } from '../identity/session-plugin.js';
import { AppError } from '../shared/errors.js';

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
export function fieldErrors(error: AppError, rename: Record<string, string> = {}): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const e of error.extras.errors ?? []) {
    const field = e.pointer.split('/').pop()!;
    errors[rename[field] ?? field] ??= e.detail;
  }
  return errors;
}

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

/**
 * Runs a form's use case; a refusal from the catalogue re-renders the same page with the message
 * (per-field where the error names fields) and the error's status. Anything else is a real error.
 */
export async function handleForm(
  request: FastifyRequest,
  reply: FastifyReply,
  template: string,
  state: FormState,
  run: () => Promise<FastifyReply | undefined>,
): Promise<FastifyReply | undefined> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof AppError) || error.code === 'csrf_failed') throw error;
    const errors = fieldErrors(error);
    if (error.extras.headers) reply.headers(error.extras.headers);
    const messages = Object.keys(errors).length > 0 ? [] : [{ type: 'error' as const, text: error.message }];
    return renderPage(request, reply, template, { ...state, errors, messages }, error.status);
  }
}

/** After a wrong password in the re-confirmation form (it sends people back with `?reauth=failed`). */
export const reauthNotice = (request: FastifyRequest) =>
  (request.query as { reauth?: string } | undefined)?.reauth === 'failed'
    ? [{ type: 'error' as const, text: 'That password is not correct.' }]
    : [];

/** A refusal as page state: field errors next to their fields, otherwise one message. */
export function refusalState(request: FastifyRequest, error: AppError): FormState {
  const errors = fieldErrors(error);
  const text =
    error.code === 'reauth_required' ? 'Confirm your password first, then try again.' : error.message;
  return {
    errors,
    messages: Object.keys(errors).length ? [] : [{ type: 'error', text }],
    needsReauth: !hasRecentAuth(request),
  };
}
