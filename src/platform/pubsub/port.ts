export type Unsubscribe = () => Promise<void>;

/**
 * Fire-and-forget fan-out between nodes (live updates). Messages are JSON values; a subscriber
 * connected when a message is published receives it once; nothing is stored for later.
 */
export interface PubSub {
  publish(channel: string, message: unknown): Promise<void>;
  subscribe(channel: string, handler: (message: unknown) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}
