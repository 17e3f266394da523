import type { Redis } from 'ioredis';
import { decodeMessage, encodeMessage, HandlerRegistry } from './envelope.js';
import type { PubSub, Unsubscribe } from './port.js';

/** Redis PUBLISH/SUBSCRIBE; a subscribing connection cannot run other commands, hence the duplicate. */
export class RedisPubSub implements PubSub {
  private readonly subscriber: Redis;
  private readonly registry = new HandlerRegistry();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.subscriber = redis.duplicate();
    this.subscriber.on('error', () => {});
    this.subscriber.on('message', (_channel: string, raw: string) => {
      const decoded = decodeMessage(raw);
      if (decoded) this.registry.deliver(decoded.channel, decoded.message);
    });
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.redis.publish(`${this.prefix}ps:${channel}`, encodeMessage(channel, message));
  }

  async subscribe(channel: string, handler: (message: unknown) => void): Promise<Unsubscribe> {
    if (this.registry.add(channel, handler)) await this.subscriber.subscribe(`${this.prefix}ps:${channel}`);
    return async () => {
      if (this.registry.remove(channel, handler))
        await this.subscriber.unsubscribe(`${this.prefix}ps:${channel}`);
    };
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
  }
}
