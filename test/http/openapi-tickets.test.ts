import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';

interface Operation {
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; description?: string }[];
  requestBody?: {
    content: Record<string, { schema?: { examples?: unknown[] }; example?: unknown; examples?: unknown }>;
  };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

let t: TestApp;
let operations: [string, Operation][];
beforeAll(async () => {
  t = await buildTestApp();
  const document = (await t.app.inject('/api/openapi.json')).json() as {
    paths: Record<string, Record<string, Operation>>;
  };
  operations = Object.entries(document.paths)
    .filter(([path]) => /^\/api\/v1\/(tickets|categories|time-entries|uploads|attachments)\b/.test(path))
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]),
    );
});
afterAll(() => t?.close());

/** The tickets API is what integrations build on: its document must say enough to use it unaided. */
describe('OpenAPI for the tickets API', () => {
  it('lists every tickets, messages, time-entries, categories and attachments operation', () => {
    const names = operations.map(([name]) => name);
    for (const expected of [
      'GET /api/v1/tickets',
      'POST /api/v1/tickets',
      'PATCH /api/v1/tickets/{id}',
      'POST /api/v1/tickets/{id}/messages',
      'POST /api/v1/tickets/{id}/time-entries',
      'DELETE /api/v1/time-entries/{id}',
      'PATCH /api/v1/categories/{id}',
      'POST /api/v1/uploads',
      'GET /api/v1/attachments/{id}/content',
    ])
      expect(names).toContain(expected);
  });

  it('gives every operation a summary and a tag, and describes every parameter', () => {
    const missing = operations.flatMap(([name, op]) => [
      ...(op.summary ? [] : [`${name}: summary`]),
      ...(op.tags?.length ? [] : [`${name}: tags`]),
      ...(op.parameters ?? []).filter((p) => !p.description).map((p) => `${name}: ${p.in} ${p.name}`),
    ]);
    expect(missing).toEqual([]);
  });

  it('shows an example of every JSON request body, and a schema for every answer with a body', () => {
    const missing = operations.flatMap(([name, op]) => {
      const json = op.requestBody?.content['application/json'];
      const example =
        !json ||
        json.example !== undefined ||
        json.examples !== undefined ||
        (json.schema?.examples?.length ?? 0) > 0;
      const answers = Object.entries(op.responses ?? {}).filter(([status]) => /^2/.test(status));
      // 204 No Content has no body to describe.
      const untyped = answers.filter(
        ([status, r]) => status !== '204' && (!r.content || Object.values(r.content).every((c) => !c.schema)),
      );
      return [
        ...(example ? [] : [`${name}: request example`]),
        ...(answers.length ? [] : [`${name}: no 2xx answer`]),
        ...untyped.map(([status]) => `${name}: ${status} schema`),
      ];
    });
    expect(missing).toEqual([]);
  });
});
