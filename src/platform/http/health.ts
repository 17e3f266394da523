import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { within } from '../../shared/deadline.js';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 2000;

const HealthBody = Type.Object({ status: Type.Literal('ok') });
const ReadyBody = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  checks: Type.Record(Type.String(), Type.Union([Type.Literal('ok'), Type.String()])),
});

/** `/health`: the process answers. `/health/ready`: every dependency answers; 503 names the ones that do not. */
export async function healthRoutes(
  app: FastifyInstance,
  options: { checks: ReadinessCheck[] },
): Promise<void> {
  // Probes are public: a load balancer has no session.
  const quiet = { logLevel: 'silent' as const, config: { metrics: false, access: 'public' as const } };
  app.get(
    '/health',
    { ...quiet, schema: { tags: ['system'], summary: 'Liveness', response: { 200: HealthBody } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/health/ready',
    {
      ...quiet,
      schema: {
        tags: ['system'],
        summary: 'Readiness of database, Redis and job queue',
        response: { 200: ReadyBody, 503: ReadyBody },
      },
    },
    async (_request, reply) => {
      const results = await Promise.all(
        options.checks.map(async ({ name, check }) => {
          try {
            await within(check(), CHECK_TIMEOUT_MS, 'timed out');
            return [name, 'ok'] as const;
          } catch (error) {
            return [name, `failed: ${(error as Error).message}`] as const;
          }
        }),
      );
      const healthy = results.every(([, result]) => result === 'ok');
      reply.code(healthy ? 200 : 503);
      return {
        status: healthy ? ('ok' as const) : ('unavailable' as const),
        checks: Object.fromEntries(results),
      };
    },
  );
}
