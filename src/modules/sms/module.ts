import type { FeatureModule } from '../module.js';
import { registerReplyChannel } from '../tickets/index.js';
import { smsInboundJob } from './inbound/job.js';
import { smsNumbersCheckJob, smsNumbersCheckSchedule } from './numbers/check-job.js';
import { smsSendJob } from './outbound/job.js';
import { textTicketReply } from './outbound/ticket-reply.js';
import { smsRoutes } from './routes.js';

// The team's replies on SMS tickets go out as texts (tickets asks its registered channels).
registerReplyChannel('sms', textTicketReply);

/** The SMS channel: the team's numbers at Twilio, and texts to them into tickets. */
export const smsModule: FeatureModule = {
  name: 'sms',
  navigation: [
    {
      key: 'sms',
      href: '/admin/sms/numbers',
      label: 'sms:nav.numbers',
      description: 'sms:nav.numbersAbout',
      area: 'admin',
      permissions: ['sms:manage'],
      order: 46,
    },
  ],
  routes: smsRoutes,
  jobs: (config) => [smsInboundJob(config), smsSendJob(config), smsNumbersCheckJob(config)],
  schedules: (config) => [smsNumbersCheckSchedule(config)],
};
