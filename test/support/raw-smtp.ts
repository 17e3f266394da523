import { connect, type Socket } from 'node:net';

export interface SmtpReply {
  code: number;
  text: string;
}

/**
 * A bare SMTP client over node:net, for what nodemailer hides: every reply as it arrives (the
 * exact moment of the 250 after DATA), recipients past a listener's limit, a body sent whatever
 * its size or shape. One command at a time, no pipelining.
 */
export class RawSmtp {
  private buffer = '';
  private waiting: ((reply: SmtpReply) => void) | undefined;
  private readonly replies: SmtpReply[] = [];
  private closed: Error | undefined;
  private onClosed: ((error: Error) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (;;) {
        // A reply ends with the line whose code is followed by a space (RFC 5321 §4.2.1).
        const end = /^(\d{3}) .*\r?\n/m.exec(this.buffer);
        if (!end) return;
        const upto = end.index + end[0].length;
        const reply = { code: Number(end[1]), text: this.buffer.slice(0, upto).trim() };
        this.buffer = this.buffer.slice(upto);
        if (this.waiting) {
          const resolve = this.waiting;
          this.waiting = undefined;
          resolve(reply);
        } else this.replies.push(reply);
      }
    });
    const end = (error: Error) => {
      this.closed ??= error;
      this.onClosed?.(this.closed);
    };
    socket.on('error', end);
    socket.on('close', () => end(new Error('connection closed')));
  }

  /** Connects and reads the greeting. */
  static async open(port: number, host = '127.0.0.1'): Promise<{ client: RawSmtp; greeting: SmtpReply }> {
    const socket = connect({ port, host });
    const client = new RawSmtp(socket);
    const greeting = await client.reply();
    return { client, greeting };
  }

  /** The next reply (one already received, or the one to come). */
  reply(): Promise<SmtpReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.onClosed = reject;
    });
  }

  async command(line: string): Promise<SmtpReply> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  /** DATA, then the message (dot-stuffed, RFC 5321 §4.5.2) and its end: the server's answer to it. */
  async data(message: Buffer | string): Promise<SmtpReply> {
    const start = await this.command('DATA');
    if (start.code !== 354) return start;
    const body = Buffer.isBuffer(message) ? message : Buffer.from(message);
    const stuffed = Buffer.from(body.toString('latin1').replace(/(^|\r\n)\./g, '$1..'), 'latin1');
    const ending = stuffed.subarray(-2).toString() === '\r\n' ? '.\r\n' : '\r\n.\r\n';
    this.socket.write(stuffed);
    this.socket.write(ending);
    return this.reply();
  }

  /** A whole transaction: MAIL FROM, each RCPT TO, DATA; the replies of each step. */
  async send(from: string, to: string[], message: Buffer | string) {
    const mail = await this.command(`MAIL FROM:<${from}>`);
    const rcpt: SmtpReply[] = [];
    for (const address of to) rcpt.push(await this.command(`RCPT TO:<${address}>`));
    const data = rcpt.some((r) => r.code === 250) ? await this.data(message) : undefined;
    return { mail, rcpt, data };
  }

  async quit(): Promise<void> {
    await this.command('QUIT').catch(() => undefined);
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
