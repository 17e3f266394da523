import type { PubSub } from '../../../platform/pubsub/port.js';

/**
 * Nodes notice key changes by looking at the database every 30 seconds (a rotation publishes its
 * key a day before it signs, so that is plenty). A message here makes every node look now.
 */
export const KEYS_CHANGED_CHANNEL = 'oauth.keys-changed';

export const announceKeyChange = (pubsub: PubSub): Promise<void> =>
  pubsub.publish(KEYS_CHANGED_CHANNEL, { at: Date.now() });
