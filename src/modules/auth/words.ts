import type { FastifyRequest } from 'fastify';
import type { TFunction } from 'i18next';
import type { AppError } from '../../shared/errors.js';
import type { FormOptions } from '../../web/forms.js';
import { wordsOf } from '../../web/page-context.js';

/** The page's translate function (English for a request that is no page, e.g. in a test harness). */
export const wordsFor = (request: FastifyRequest): TFunction => wordsOf(request);

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
