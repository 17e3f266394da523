import type { FastifyRequest } from 'fastify';
import type { TFunction } from 'i18next';
import { translator } from '../../platform/i18n/catalog.js';
import { AppError } from '../../shared/errors.js';
import type { FormOptions } from '../../web/forms.js';

/** The page's translate function (English for a request that is no page, e.g. in a test harness). */
export const wordsFor = (request: FastifyRequest): TFunction => request.page?.t ?? translator('en');

/**
 * The auth pages' own wording for refusals whose detail the services write in English for the API:
 * the rate limit names its wait; `own` maps further codes to a message key of this page.
 */
export function refusalWords(request: FastifyRequest, own: Record<string, string> = {}): FormOptions {
  const t = wordsFor(request);
  return {
    messageFor: (error: AppError) => {
      if (error.code === 'rate_limited') {
        const seconds = Number(error.extras.headers?.['retry-after'] ?? 1);
        return t('auth:tooMany', { seconds });
      }
      const key = own[error.code];
      return key ? t(key) : undefined;
    },
  };
}

/**
 * A refusal whose service named a message (`extras.messageKey`, e.g. a password the policy refuses),
 * said in the page's language: the detail and the field errors carry it.
 */
export function inPageWords(request: FastifyRequest, error: unknown): unknown {
  if (!(error instanceof AppError) || typeof error.extras.messageKey !== 'string') return error;
  const values = (error.extras.messageValues ?? {}) as Record<string, unknown>;
  const text = wordsFor(request)(error.extras.messageKey, values);
  const errors = error.extras.errors?.map((e) => ({ ...e, detail: text }));
  return new AppError(error.code, text, { ...error.extras, ...(errors ? { errors } : {}) });
}

/** Runs a use case for a page; its named refusals come out in the page's language. */
export const forPage = <T>(request: FastifyRequest, work: Promise<T>): Promise<T> =>
  work.catch((error: unknown) => {
    throw inPageWords(request, error);
  });
