import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createSmsNumbers } from '../../../platform/sms/index.js';
import { AppError } from '../../../shared/errors.js';
import { storeInboundText } from '../inbound/store.js';
import { showDeliveryOnTicket } from '../outbound/ticket-delivery.js';
import { countWebhook, type WebhookOutcome } from './counts.js';
import { applyStatus } from './status.js';
import { verifyWebhook } from './verify.js';

/**
 * Twilio's form for one text is under 8 kB (a 1,600-character body, ten media URLs and some
 * twenty fields); anything far past that is not Twilio, and is refused (413) before it is parsed.
 */
export const WEBHOOK_MAX_BYTES = 32_768;
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * `POST /webhooks/twilio/sms` (a text to one of our numbers) and `POST /webhooks/twilio/status`
 * (a text's delivery report). Only a request signed by Twilio for our account gets in; anything
 * else is 403 and counted. A text is stored before the answer; a second delivery of the same
 * MessageSid, or a text to a number we do not hold, is answered with an empty TwiML response
 * (so Twilio does not retry) and stores nothing.
 */
export const twilioWebhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { platform } = app;
  const provider = createSmsNumbers(platform.config);
  const options = {
    config: { access: 'public' as const, csrf: false },
    bodyLimit: WEBHOOK_MAX_BYTES,
    schema: { hide: true },
  };

  async function verified(request: FastifyRequest) {
    const result = verifyWebhook(request, provider, platform.config);
    if ('params' in result) return result.params;
    await countWebhook(platform, result.refused);
    request.log.warn({ outcome: result.refused }, 'Twilio webhook refused');
    throw new AppError('forbidden', 'This webhook takes only requests Twilio signed for this account.');
  }

  const answer = async (reply: FastifyReply, ignored?: WebhookOutcome) => {
    if (ignored) await countWebhook(platform, ignored);
    return reply.code(200).type('text/xml; charset=utf-8').send(EMPTY_TWIML);
  };

  app.post('/webhooks/twilio/sms', options, async (request, reply) => {
    const params = await verified(request);
    const stored = await storeInboundText(platform, params);
    return answer(reply, 'ignored' in stored ? stored.ignored : undefined);
  });

  app.post('/webhooks/twilio/status', options, async (request, reply) => {
    const params = await verified(request);
    if (!(await applyStatus(platform, params))) return answer(reply, 'unknown-message');
    await showDeliveryOnTicket(platform, params.MessageSid ?? params.SmsSid ?? '');
    return answer(reply);
  });
};
