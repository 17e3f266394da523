import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signInAs } from '../support/actors.js';
import { buildTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

describe('customer A and customer B', () => {
  it('A cannot read, list, change or delete B’s sessions, factors or profile through any route', async () => {
    const [a, b] = [await createUser(t, ['customer']), await createUser(t, ['customer'])];
    const clientA = await signInAs(t.app, a.email);
    const clientB = await signInAs(t.app, b.email);
    const factor = (await clientB.post('/api/v1/me/mfa/totp')).json().factorId as string;
    await t.platform.database.db
      .updateTable('mfa_factors')
      .set({ confirmed_at: new Date() })
      .where('id', '=', factor)
      .execute();
    const sessionOfB = ((await clientB.get('/api/v1/me/sessions')).json() as { id: string }[])[0]!.id;

    // Lists show only A's own records.
    expect((await clientA.get('/api/v1/me')).json().email).toBe(a.email);
    const sessionsOfA = (await clientA.get('/api/v1/me/sessions')).json() as { id: string }[];
    expect(sessionsOfA.map((s) => s.id)).not.toContain(sessionOfB);
    expect((await clientA.get('/api/v1/me/mfa')).json()).toEqual([]);

    // Acting on B's records by id answers 404, exactly like an id that does not exist.
    expect((await clientA.request('DELETE', `/api/v1/me/sessions/${sessionOfB}`)).statusCode).toBe(404);
    expect((await clientA.request('DELETE', `/api/v1/me/mfa/${factor}`)).statusCode).toBe(404);
    expect(
      (await clientA.request('PATCH', `/api/v1/me/mfa/${factor}`, { label: 'Mine now' })).statusCode,
    ).toBe(404);

    // B is untouched.
    expect((await clientB.get('/api/v1/me')).statusCode).toBe(200);
    const factorsOfB = (await clientB.get('/api/v1/me/mfa')).json() as { id: string; label: string }[];
    expect(factorsOfB).toEqual([expect.objectContaining({ id: factor, label: 'Authenticator app' })]);
  });
});
