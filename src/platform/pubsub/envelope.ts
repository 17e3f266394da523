/**
 * PostgreSQL caps a NOTIFY payload at 8000 bytes; we hold every adapter to the same limit so code
 * that works without Redis keeps working with it. Live updates carry ids, not documents.
 */
export const MAX_MESSAGE_BYTES = 7900;

export function encodeMessage(channel: string, message: unknown): string {
  const encoded = JSON.stringify({ c: channel, m: message });
  if (Buffer.byteLength(encoded) > MAX_MESSAGE_BYTES) {
    throw new Error(
      `pub/sub message on ${channel} is larger than ${MAX_MESSAGE_BYTES} bytes; publish ids, not documents`,
    );
  }
  return encoded;
}

export function decodeMessage(raw: string): { channel: string; message: unknown } | undefined {
  try {
    const { c, m } = JSON.parse(raw) as { c: string; m: unknown };
    return typeof c === 'string' ? { channel: c, message: m } : undefined;
  } catch {
    return undefined;
  }
}

type Handler = (message: unknown) => void;

/** Local fan-out: which handlers of this process listen on which channel. */
export class HandlerRegistry {
  private readonly handlers = new Map<string, Set<Handler>>();

  /** Returns true when this is the channel's first handler. */
  add(channel: string, handler: Handler): boolean {
    let set = this.handlers.get(channel);
    const first = !set;
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
    }
    set.add(handler);
    return first;
  }

  /** Returns true when the channel has no handlers left. */
  remove(channel: string, handler: Handler): boolean {
    const set = this.handlers.get(channel);
    set?.delete(handler);
    if (set && set.size === 0) this.handlers.delete(channel);
    return !this.handlers.has(channel);
  }

  deliver(channel: string, message: unknown): void {
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler(message);
      } catch {
        // One failing subscriber must not stop delivery to the others.
      }
    }
  }
}
