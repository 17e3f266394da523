import type { FastifyRequest } from 'fastify';
import type { AppError } from '../../shared/errors.js';
import type { FormState } from '../auth/forms.js';
import { REAUTH_WINDOW_MS } from '../auth/plugin.js';

/** Whether the administrator signed in or confirmed their password within the last ten minutes. */
export const recentlyAuthenticated = (request: FastifyRequest): boolean =>
  Date.now() - Date.parse(String(request.session?.data.authenticatedAt)) < REAUTH_WINDOW_MS;

/** A refusal as admin page state: field errors next to their fields, otherwise one message. */
export function refusalState(request: FastifyRequest, error: AppError): FormState {
  const errors: Record<string, string> = {};
  for (const e of error.extras.errors ?? []) errors[e.pointer.split('/').pop()!] ??= e.detail;
  const text =
    error.code === 'reauth_required' ? 'Confirm your password first, then try again.' : error.message;
  return {
    errors,
    messages: Object.keys(errors).length ? [] : [{ type: 'error', text }],
    needsReauth: !recentlyAuthenticated(request),
  };
}
