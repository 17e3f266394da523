import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/platform/process/free-port.js';
import { createSignedIn } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import type { SessionClient } from '../support/session-client.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 19, no loops: two Switchboard instances, each sending its mail over SMTP straight into
 * the other's SMTP listener, each acknowledging every new ticket with a receipt. A mail between
 * them, or a reply from one desk's agent, ends with at most one mail each way; then it is quiet.
 */
const A = 'support@desk-a.example';
const B = 'support@desk-b.example';
let a: TestApp;
let b: TestApp;
let agentB: SessionClient;
let portA: number;
let portB: number;

const desk = (own: string, inbound: number, outbound: number) =>
  buildTestApp({
    runsJobs: true,
    env: {
      MFA_REQUIRED_ROLES: 'none',
      SUPPORT_ADDRESSES: own,
      MAIL_FROM: `Desk <${own}>`,
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: `smtp://127.0.0.1:${outbound}`,
      INBOUND_SMTP_PORT: String(inbound),
      INBOUND_SMTP_HOST: '127.0.0.1',
      NOTIFY_DIGEST_DELAY_SECONDS: '0',
    },
  });

beforeAll(async () => {
  portA = await freePort();
  portB = await freePort();
  a = await desk(A, portA, portB);
  b = await desk(B, portB, portA);
  ({ client: agentB } = await createSignedIn(b, ['agent']));
}, 60_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
});

/** Every mail a desk took in, oldest first, with what became of it. */
const mailIn = (desk: TestApp) =>
  desk.platform.database.system
    .selectFrom('mail_inbound')
    .select(['sender', 'state', 'outcome', 'reason', 'subject'])
    .orderBy('received_at')
    .execute();
const ticketsOf = (desk: TestApp) =>
  desk.platform.database.system.selectFrom('tickets').select(['id', 'number', 'subject']).execute();

/** Waits until both desks have taken in exactly these numbers of mails and stay there for 3 s. */
async function quietAt(inA: number, inB: number) {
  await waitFor(
    async () => (await mailIn(a)).length === inA && (await mailIn(b)).length === inB,
    20_000,
    `A at ${inA} mails in, B at ${inB}`,
  );
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect((await mailIn(a)).length).toBe(inA);
  expect((await mailIn(b)).length).toBe(inB);
}

describe('two desks writing to each other', () => {
  it('a mail from desk A opens one ticket at B; B’s receipt reaches A and is dropped there', async () => {
    await nodemailer
      .createTransport({ host: '127.0.0.1', port: portB, secure: false, ignoreTLS: true })
      .sendMail({ from: A, to: B, subject: 'Our printer contract', text: 'Can you send the renewal?' });
    await quietAt(1, 1);
    expect(await ticketsOf(b)).toHaveLength(1);
    expect(await ticketsOf(a)).toHaveLength(0);
    const [receipt] = await mailIn(a);
    expect(receipt).toMatchObject({ sender: B, state: 'discarded', outcome: 'auto-reply-dropped' });
  });

  it('an agent’s reply at B (a person’s mail) opens a ticket at A, whose receipt B drops: one mail each way', async () => {
    const [ticket] = await ticketsOf(b);
    const replied = await agentB.post(`/api/v1/tickets/${ticket!.id}/messages`, {
      body: 'Here is the renewal.',
    });
    expect(replied.statusCode, replied.body).toBe(201);
    // A takes the reply (a person wrote it) as a new ticket from B; its receipt goes back to B,
    // which drops it as automatic. Then nothing more moves.
    await quietAt(2, 2);
    expect((await mailIn(a))[1]).toMatchObject({ sender: B, state: 'done', outcome: 'new-ticket' });
    expect((await mailIn(b))[1]).toMatchObject({
      sender: A,
      state: 'discarded',
      outcome: 'auto-reply-dropped',
    });
    expect(await ticketsOf(b)).toHaveLength(1);
    expect(await ticketsOf(a)).toHaveLength(1);
  });

  it('drops mail that claims to come from its own support address', async () => {
    await nodemailer
      .createTransport({ host: '127.0.0.1', port: portB, secure: false, ignoreTLS: true })
      .sendMail({ from: B, to: B, subject: 'Echo', text: 'A forwarding rule sent this back.' });
    await quietAt(2, 3);
    expect((await mailIn(b))[2]).toMatchObject({ state: 'discarded', reason: 'from-ourselves' });
    expect(await ticketsOf(b)).toHaveLength(1);
  });
});
