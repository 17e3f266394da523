import type { FastifyRequest } from 'fastify';
import type { AppError } from '../../shared/errors.js';
import type { FormState } from '../auth/forms.js';
import { hasRecentAuth } from '../auth/plugin.js';

/** A refusal as admin page state: field errors next to their fields, otherwise one message. */
export function refusalState(request: FastifyRequest, error: AppError): FormState {
  const errors: Record<string, string> = {};
  for (const e of error.extras.errors ?? []) errors[e.pointer.split('/').pop()!] ??= e.detail;
  const text =
    error.code === 'reauth_required' ? 'Confirm your password first, then try again.' : error.message;
  return {
    errors,
    messages: Object.keys(errors).length ? [] : [{ type: 'error', text }],
    needsReauth: !hasRecentAuth(request),
  };
}
