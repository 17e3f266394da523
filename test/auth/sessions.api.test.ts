import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { mailTo, tokenFrom } from '../support/outbox.js';
import { testRedisUrl } from '../support/redis.js';
import { SessionClient } from '../support/session-client.js';

const PASSWORD = 'tangerine-orbit-41';

/** The same behaviour whichever session store is configured (PostgreSQL, or Redis when REDIS_URL is set). */
describe.each([
  { store: 'PostgreSQL', redis: false },
  { store: 'Redis', redis: true },
])('sessions on $store', ({ redis }) => {
  let t: TestApp;
  beforeAll(async () => {
    if (redis && !testRedisUrl()) return;
    t = await buildTestApp({ runsJobs: true, redis });
  });
  afterAll(() => t?.close());

  it.runIf(!redis || testRedisUrl())(
    'the sixth sign-in ends the oldest; a user lists and revokes sessions',
    async () => {
      const email = `sess-${redis}-${Date.now()}@example.com`;
      const first = await new SessionClient(t.app).start();
      await first.post('/api/v1/auth/signup', { email, password: PASSWORD, displayName: 'Sam' });
      const [mail] = await mailTo(t, email);
      await first.post('/api/v1/auth/verify-email', { token: tokenFrom(mail!, '/auth/verify') });

      const devices: SessionClient[] = [];
      for (let i = 0; i < 6; i++) {
        const device = await new SessionClient(t.app).start();
        const res = await device.post('/api/v1/auth/login', { email, password: PASSWORD });
        expect(res.statusCode).toBe(200);
        if (i === 5) expect(res.json().notice).toMatch(/older session/);
        devices.push(device);
      }
      expect((await devices[0]!.get('/api/v1/me')).statusCode).toBe(401);
      const listed = (await devices[5]!.get('/api/v1/me/sessions')).json() as {
        id: string;
        current: boolean;
      }[];
      expect(listed).toHaveLength(5);
      expect(listed.filter((s) => s.current)).toHaveLength(1);

      const victim = listed.find((s) => !s.current)!;
      expect((await devices[5]!.request('DELETE', `/api/v1/me/sessions/${victim.id}`)).statusCode).toBe(204);
      const ended = await devices[5]!.post('/api/v1/me/sessions/revoke-others');
      expect(ended.json()).toEqual({ ended: 3 });
      for (const device of devices.slice(1, 5)) expect((await device.get('/api/v1/me')).statusCode).toBe(401);
      expect((await devices[5]!.get('/api/v1/me')).statusCode).toBe(200);
    },
  );
});
