import pg from 'pg';
import { decodeMessage, encodeMessage, HandlerRegistry } from './envelope.js';
import type { PubSub, Unsubscribe } from './port.js';

/**
 * LISTEN/NOTIFY when there is no Redis. Every node LISTENs on one PostgreSQL channel and filters by
 * the logical channel inside the payload, so channel names never become SQL identifiers. The LISTEN
 * connection reconnects with backoff when it drops (server restart, failover).
 */
export class PostgresPubSub implements PubSub {
  private readonly registry = new HandlerRegistry();
  private readonly pgChannel: string;
  private listener: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;
  private retryDelayMs = 100;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly listenConfig: pg.ClientConfig,
    prefix: string,
  ) {
    this.pgChannel = `${prefix.replace(/[^a-z0-9_]/gi, '_')}events`.toLowerCase();
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.pool.query('select pg_notify($1, $2)', [this.pgChannel, encodeMessage(channel, message)]);
  }

  async subscribe(channel: string, handler: (message: unknown) => void): Promise<Unsubscribe> {
    this.registry.add(channel, handler);
    await this.ensureListening();
    return async () => {
      this.registry.remove(channel, handler);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  private ensureListening(): Promise<void> {
    if (this.listener) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ ...this.listenConfig, application_name: 'switchboard-listen' });
    client.on('notification', (n) => {
      const decoded = n.payload ? decodeMessage(n.payload) : undefined;
      if (decoded) this.registry.deliver(decoded.channel, decoded.message);
    });
    client.on('error', () => this.onDrop(client));
    client.on('end', () => this.onDrop(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.pgChannel)}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.listener = client;
    this.retryDelayMs = 100;
  }

  private onDrop(client: pg.Client): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, 5000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.closed) this.ensureListening().catch(() => this.scheduleReconnect());
    }, delay);
    this.retryTimer.unref();
  }
}
