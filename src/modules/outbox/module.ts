import type { FeatureModule } from '../module.js';
import { outboxWebRoutes } from './routes.web.js';

/** The dev outbox: mail and SMS Switchboard "sent" while no provider is configured. */
export const outboxModule: FeatureModule = {
  name: 'outbox',
  async routes(app) {
    await app.register(outboxWebRoutes);
  },
};
