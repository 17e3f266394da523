import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobsFor, schedulesFor } from '../../src/modules/index.js';
import { removeStaleUploads } from '../../src/modules/tickets/attachments/cleanup.js';
import type { Database } from '../../src/platform/db/connection.js';
import { receivedUploads } from '../../src/platform/http/multipart.js';
import { createSignedIn, createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { asApp, ownerDatabase } from '../support/app-role.js';
import { form, type Part } from '../support/multipart.js';
import { issueTokens, registerTestClient } from '../support/oauth.js';
import type { SessionClient } from '../support/session-client.js';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const HTML = Buffer.from('<!doctype html><html><script>alert(document.cookie)</script></html>');
const MAX_BYTES = 4096;
const MAX_FILES = 2;
const PUBLIC_URL = 'http://localhost:3000';

let t: TestApp;
let owner: Database;
let dataDir: string;
let customer: SessionClient;
let other: SessionClient;
let agent: SessionClient;
let customerId: string;
let otherId: string;

/** A form posted by the browser itself: cookies, and the CSRF token only as the form's field. */
const browserForm = (client: SessionClient, url: string, parts: Part[]) => {
  const body = form(parts);
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return t.app.inject({
    method: 'POST',
    url,
    payload: body.payload,
    headers: { ...body.headers, cookie, 'sec-fetch-site': 'same-origin' },
  });
};

const upload = (client: SessionClient, files: { filename: string; data: Buffer; type?: string }[]) => {
  const body = form(files.map((f) => ({ name: 'file', ...f })));
  return client.request('POST', '/api/v1/uploads', body.payload, body.headers);
};
const uploadIds = async (client: SessionClient, files: { filename: string; data: Buffer }[]) => {
  const res = await upload(client, files);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().items.map((i: { id: string }) => i.id) as string[];
};
const storedFiles = async () => {
  const keys: string[] = [];
  for await (const f of t.platform.storage.list()) keys.push(f.key);
  return keys;
};
const rowsOf = async (userId: string) =>
  Number(
    (
      await owner.db
        .selectFrom('ticket_attachments')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('uploader_id', '=', userId)
        .executeTakeFirstOrThrow()
    ).n,
  );

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'sb-attachments-'));
  t = await buildTestApp({
    env: {
      MFA_REQUIRED_ROLES: 'none',
      DATA_DIR: dataDir,
      PUBLIC_URL,
      ATTACHMENT_MAX_BYTES: String(MAX_BYTES),
      ATTACHMENT_MAX_PER_MESSAGE: String(MAX_FILES),
    },
    // A page form as the portal builds one: fields in the body, files and their problem beside it.
    plugins: [
      async (app) => {
        app.post('/test/page-form', { config: { access: 'signed-in', uploads: true } }, async (request) => {
          const { files, problem } = receivedUploads(request);
          return {
            fields: request.body,
            files: files.map((f) => `${f.fieldname}:${f.filename}:${f.data.length}`),
            problem: problem?.code ?? null,
          };
        });
      },
    ],
  });
  ({ id: customerId, client: customer } = await createSignedIn(t, ['customer']));
  ({ id: otherId, client: other } = await createSignedIn(t, ['customer']));
  ({ client: agent } = await createSignedIn(t, ['agent']));
  owner = ownerDatabase(t);
});
afterAll(async () => {
  await owner?.close();
  await t?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('ticket attachments', () => {
  it('uploads, attaches on create and on reply, lists them in the thread and serves the exact bytes', async () => {
    const [shot] = await uploadIds(customer, [{ filename: 'C:\\Users\\me\\screen shot.png', data: PNG }]);
    const ticket = await customer.post('/api/v1/tickets', {
      subject: 'Screen flickers',
      body: 'See the screenshot.',
      attachmentIds: [shot],
    });
    expect(ticket.statusCode, ticket.body).toBe(201);
    const id = ticket.json().id;

    const [log] = await uploadIds(agent, [
      { filename: 'diagnostics.txt', data: Buffer.from('all good ✓\n') },
    ]);
    const reply = await agent.post(`/api/v1/tickets/${id}/messages`, {
      body: 'Log attached',
      attachmentIds: [log],
    });
    expect(reply.statusCode, reply.body).toBe(201);

    const thread = (await customer.get(`/api/v1/tickets/${id}/messages`)).json().items;
    expect(thread[0].attachments).toEqual([
      expect.objectContaining({
        id: shot,
        filename: 'screen shot.png',
        contentType: 'image/png',
        size: PNG.length,
        url: `/api/v1/attachments/${shot}/content`,
        attached: true,
      }),
    ]);
    expect(thread[1].attachments.map((a: { filename: string }) => a.filename)).toEqual(['diagnostics.txt']);

    const image = await customer.get(`/api/v1/attachments/${shot}/content`);
    expect(image.statusCode).toBe(200);
    expect(image.rawPayload.equals(PNG)).toBe(true);
    expect(image.headers).toMatchObject({
      'content-type': 'image/png',
      'content-length': String(PNG.length),
      'x-content-type-options': 'nosniff',
      'content-disposition': `inline; filename="screen shot.png"; filename*=UTF-8''screen%20shot.png`,
    });
    // Signed-in answers are never kept by a cache (issue 15): not even the browser's own.
    expect(image.headers['cache-control']).toBe('no-store');
    const text = await customer.get(`/api/v1/attachments/${log}/content`);
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.headers['content-disposition']).toMatch(/^attachment; /);
    expect(text.body).toBe('all good ✓\n');
    expect(text.headers['content-length']).toBe(String(Buffer.byteLength('all good ✓\n')));

    // An upload is claimed once.
    const again = await customer.post(`/api/v1/tickets/${id}/messages`, {
      body: 'again',
      attachmentIds: [shot],
    });
    expect(again.statusCode).toBe(400);
  });

  it('sniffs the type from the content: a PNG named x.pdf is an image, HTML named a.png is only downloaded', async () => {
    const [png, html, svg] = await uploadIds(customer, [
      { filename: 'x.pdf', data: PNG },
      { filename: 'a.png', data: HTML },
    ]).then(async (ids) => [
      ...ids,
      ...(await uploadIds(customer, [
        {
          filename: 'logo.png',
          data: Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        },
      ])),
    ]);
    const served = await customer.get(`/api/v1/attachments/${png}/content`);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['content-disposition']).toMatch(/^inline; filename="x.pdf"/);

    const page = await customer.get(`/api/v1/attachments/${html}/content`);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-disposition']).toMatch(/^attachment; filename="a.png"/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['content-security-policy']).toContain('sandbox');

    const vector = await customer.get(`/api/v1/attachments/${svg}/content`);
    expect(vector.headers['content-type']).toBe('image/svg+xml');
    expect(vector.headers['content-disposition']).toMatch(/^attachment; /);
    expect((await customer.get(`/api/v1/attachments/${svg}`)).json()).toMatchObject({
      contentType: 'image/svg+xml',
      attached: false,
    });
  });

  it('refuses files over the size and count limits with clear problems, writing nothing', async () => {
    const user = await createUser(t, ['customer']);
    const client = await signInAs(t.app, user.email);
    const before = (await storedFiles()).length;

    const big = await upload(client, [
      { filename: 'small.txt', data: Buffer.from('fine') },
      { filename: 'huge.bin', data: Buffer.alloc(MAX_BYTES + 1, 7) },
    ]);
    expect(big.statusCode).toBe(413);
    expect(big.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(big.json()).toMatchObject({ code: 'payload_too_large', detail: 'huge.bin is larger than 4 KiB.' });

    const many = await upload(client, [
      { filename: 'a.txt', data: Buffer.from('a') },
      { filename: 'b.txt', data: Buffer.from('b') },
      { filename: 'c.txt', data: Buffer.from('c') },
    ]);
    expect(many.statusCode).toBe(400);
    expect(many.json()).toMatchObject({
      code: 'validation_failed',
      detail: `Send at most ${MAX_FILES} files at once.`,
    });

    const none = await upload(client, []);
    expect(none.statusCode).toBe(400);
    const json = await client.post('/api/v1/uploads', { file: 'not a file' });
    expect(json.statusCode).toBe(415);

    expect(await rowsOf(user.id)).toBe(0);
    expect((await storedFiles()).length).toBe(before);

    // A message carries at most ATTACHMENT_MAX_PER_MESSAGE files, however many uploads they took.
    const ids = [
      ...(await uploadIds(client, [{ filename: '1.txt', data: Buffer.from('1') }])),
      ...(await uploadIds(client, [{ filename: '2.txt', data: Buffer.from('2') }])),
      ...(await uploadIds(client, [{ filename: '3.txt', data: Buffer.from('3') }])),
    ];
    const tooMany = await client.post('/api/v1/tickets', {
      subject: 'Three',
      body: 'files',
      attachmentIds: ids,
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors[0].pointer).toBe('/body/attachmentIds');
  });

  it('refuses files on routes that take none, and from anyone not signed in', async () => {
    const body = form([{ name: 'file', filename: 'x.txt', data: Buffer.from('x') }]);
    const res = await customer.request('POST', '/api/v1/tickets', body.payload, body.headers);
    expect(res.statusCode).toBe(415);
    const before = (await storedFiles()).length;
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/v1/uploads',
      payload: body.payload,
      headers: body.headers,
    });
    expect(anonymous.statusCode).toBe(401);
    expect((await storedFiles()).length).toBe(before);
  });

  it('gives a page form its text fields as the body and its files, with a limit problem it can show', async () => {
    const post = (parts: Part[]) =>
      browserForm(customer, '/test/page-form', [{ name: '_csrf', value: customer.csrfToken! }, ...parts]);
    const ok = await post([
      { name: 'subject', value: 'Printer' },
      { name: 'files', filename: 'a.txt', data: Buffer.from('abc') },
      // A file input left empty.
      { name: 'files', filename: '', data: Buffer.alloc(0) },
    ]);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({
      fields: { _csrf: customer.csrfToken, subject: 'Printer' },
      files: ['files:a.txt:3'],
      problem: null,
    });
    const big = await post([{ name: 'files', filename: 'big.bin', data: Buffer.alloc(MAX_BYTES + 1) }]);
    expect(big.json()).toMatchObject({ files: [], problem: 'payload_too_large' });
    const many = await post(
      ['1', '2', '3'].map((n) => ({ name: 'files', filename: `${n}.txt`, data: Buffer.from(n) })),
    );
    expect(many.json()).toMatchObject({
      files: ['files:1.txt:1', 'files:2.txt:1'],
      problem: 'validation_failed',
    });
  });

  it('refuses to claim someone else’s upload, and then opens no ticket', async () => {
    const [theirs] = await uploadIds(other, [
      { filename: 'theirs.txt', data: Buffer.from('mine, not yours') },
    ]);
    const res = await customer.post('/api/v1/tickets', {
      subject: 'Borrowed file',
      body: 'Look',
      attachmentIds: [theirs],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      {
        pointer: '/body/attachmentIds/0',
        detail: 'There is no upload of yours with this id that is not attached yet.',
      },
    ]);
    const opened = await owner.db
      .selectFrom('tickets')
      .select('id')
      .where('subject', '=', 'Borrowed file')
      .execute();
    expect(opened).toEqual([]);
    // Not even the team may attach a customer's upload for them.
    const ticket = (await customer.post('/api/v1/tickets', { subject: 'Mine', body: 'Mine' })).json();
    const byAgent = await agent.post(`/api/v1/tickets/${ticket.id}/messages`, {
      body: 'x',
      attachmentIds: [theirs],
    });
    expect(byAgent.statusCode).toBe(400);
    expect((await other.get(`/api/v1/attachments/${theirs}`)).json().attached).toBe(false);
  });

  it('serves a file only to who may read its message: never another customer, never a note’s file to customers', async () => {
    const [visible] = await uploadIds(customer, [{ filename: 'visible.png', data: PNG }]);
    const ticket = (
      await customer.post('/api/v1/tickets', { subject: 'Private', body: 'mine', attachmentIds: [visible] })
    ).json();
    const [internal] = await uploadIds(agent, [{ filename: 'note.txt', data: Buffer.from('team only') }]);
    const note = await agent.post(`/api/v1/tickets/${ticket.id}/messages`, {
      body: 'internal',
      visibility: 'internal',
      attachmentIds: [internal],
    });
    expect(note.statusCode).toBe(201);
    const [unclaimed] = await uploadIds(customer, [{ filename: 'draft.txt', data: Buffer.from('draft') }]);

    for (const url of [`/api/v1/attachments/${visible}`, `/api/v1/attachments/${visible}/content`]) {
      expect((await other.get(url)).statusCode).toBe(404);
      expect((await customer.get(url)).statusCode).toBe(200);
      expect((await agent.get(url)).statusCode).toBe(200);
    }
    expect((await customer.get(`/api/v1/attachments/${internal}/content`)).statusCode).toBe(404);
    expect((await agent.get(`/api/v1/attachments/${internal}/content`)).statusCode).toBe(200);
    expect((await other.get(`/api/v1/attachments/${unclaimed}/content`)).statusCode).toBe(404);
    expect((await customer.get(`/api/v1/attachments/${unclaimed}/content`)).body).toBe('draft');
    expect((await customer.get('/api/v1/attachments/00000000-0000-4000-8000-000000000000')).statusCode).toBe(
      404,
    );
    const thread = (await customer.get(`/api/v1/tickets/${ticket.id}/messages`)).json().items;
    expect(thread.flatMap((m: { attachments: { id: string }[] }) => m.attachments.map((a) => a.id))).toEqual([
      visible,
    ]);
  });

  it('takes a browser form’s _csrf field from a multipart body, and refuses the form without it', async () => {
    const send = (parts: Part[]) => browserForm(customer, '/api/v1/uploads', parts);
    const file = { name: 'file', filename: 'form.txt', data: Buffer.from('from a form') };
    expect((await send([file])).statusCode).toBe(403);
    const ok = await send([{ name: '_csrf', value: customer.csrfToken! }, file]);
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('serves a file to an app holding the customer’s bearer token', async () => {
    const [shot] = await uploadIds(customer, [{ filename: 'token.png', data: PNG }]);
    await customer.post('/api/v1/tickets', { subject: 'Via app', body: 'x', attachmentIds: [shot] });
    const { clientId } = await registerTestClient(t);
    const { access_token } = await issueTokens(t.app, customer, PUBLIC_URL, clientId);
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/attachments/${shot}/content`,
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.rawPayload.equals(PNG)).toBe(true);
  });

  it('the daily cleanup removes unclaimed uploads older than a day, and files whose row never committed', async () => {
    const [stale, fresh] = [
      ...(await uploadIds(other, [{ filename: 'stale.txt', data: Buffer.from('old') }])),
      ...(await uploadIds(other, [{ filename: 'fresh.txt', data: Buffer.from('new') }])),
    ];
    const [kept] = await uploadIds(other, [{ filename: 'kept.txt', data: Buffer.from('kept') }]);
    const ticket = (
      await other.post('/api/v1/tickets', { subject: 'Keep', body: 'x', attachmentIds: [kept] })
    ).json();
    expect(ticket.id).toBeDefined();
    await owner.db
      .updateTable('ticket_attachments')
      .set({ created_at: sql`now() - interval '25 hours'` } as never)
      .where('id', 'in', [stale!, kept!])
      .execute();
    const keyOf = async (id: string) =>
      (
        await owner.db
          .selectFrom('ticket_attachments')
          .select('storage_key')
          .where('id', '=', id)
          .executeTakeFirst()
      )?.storage_key;
    const staleKey = (await keyOf(stale!))!;
    const stray = 'ff/ffffffff-ffff-4fff-8fff-ffffffffffff';
    await mkdir(path.join(dataDir, 'files', 'ff'), { recursive: true });
    await writeFile(path.join(dataDir, 'files', stray), 'orphan');
    const old = new Date(Date.now() - 30 * 3_600_000);
    await utimes(path.join(dataDir, 'files', stray), old, old);

    const removed = await t.platform.database.db
      .transaction()
      .execute((trx) => removeStaleUploads(trx, t.platform.storage));
    expect(removed).toEqual({ uploads: 1, strays: 1 });
    expect(await keyOf(stale!)).toBeUndefined();
    expect(await keyOf(fresh!)).toBeDefined();
    expect(await keyOf(kept!)).toBeDefined();
    const files = await storedFiles();
    expect(files).not.toContain(staleKey);
    expect(files).not.toContain(stray);
    expect(files).toContain(await keyOf(kept!));
    expect((await other.get(`/api/v1/attachments/${kept}/content`)).body).toBe('kept');
    // The worker runs it daily.
    expect(jobsFor(t.config).map((j) => j.name)).toContain('attachment_cleanup');
    expect(schedulesFor(t.config).find((s) => s.job.name === 'attachment_cleanup')).toMatchObject({
      cron: '15 4 * * *',
      payload: { hours: 24 },
    });
  });
});

describe('row-level security on attachments', () => {
  it('as the app role a customer sees their own uploads and public files on their tickets, nothing else', async () => {
    const [own] = await uploadIds(customer, [{ filename: 'own.txt', data: Buffer.from('own') }]);
    const [theirs] = await uploadIds(other, [{ filename: 'theirs.txt', data: Buffer.from('theirs') }]);
    const [pub] = await uploadIds(agent, [{ filename: 'public.txt', data: Buffer.from('public') }]);
    const [internal] = await uploadIds(agent, [{ filename: 'internal.txt', data: Buffer.from('internal') }]);
    const ticket = (await customer.post('/api/v1/tickets', { subject: 'RLS', body: 'x' })).json();
    await agent.post(`/api/v1/tickets/${ticket.id}/messages`, { body: 'p', attachmentIds: [pub] });
    await agent.post(`/api/v1/tickets/${ticket.id}/messages`, {
      body: 'i',
      visibility: 'internal',
      attachmentIds: [internal],
    });
    const seen = await asApp(owner, customerId, ['tickets:read:own'], async (trx) => ({
      ids: (
        await sql<{ id: string }>`select id from ticket_attachments
          where id in (${own}, ${theirs}, ${pub}, ${internal})`.execute(trx)
      ).rows.map((r) => r.id),
      claimedTheirs: Number(
        (
          await sql`update ticket_attachments set message_id = null, ticket_id = null, uploader_id = ${customerId}
            where id = ${theirs}`.execute(trx)
        ).numAffectedRows,
      ),
    }));
    expect(seen.ids.sort()).toEqual([own, pub].sort());
    expect(seen.claimedTheirs).toBe(0);
    await expect(
      asApp(owner, customerId, [], (trx) =>
        sql`insert into ticket_attachments (uploader_id, filename, content_type, size_bytes, sha256, storage_key)
          values (${otherId}, 'planted', 'text/plain', 1, ${'0'.repeat(64)}, 'planted')`.execute(trx),
      ),
    ).rejects.toThrow(/row-level security/);
    const staff = await asApp(
      owner,
      customerId,
      ['tickets:read:any'],
      async (trx) =>
        (
          await sql<{
            id: string;
          }>`select id from ticket_attachments where id in (${theirs}, ${internal})`.execute(trx)
        ).rows.length,
    );
    expect(staff).toBe(2);
  });
});
