import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { describe, expect, it } from 'vitest';
import { queryText } from './query-text.js';
import type { DB } from './schema.js';

describe('queryText', () => {
  it('builds the statement once and sends each call’s own values with it', async () => {
    let builds = 0;
    const sent: CompiledQuery[] = [];
    const db = {
      executeQuery: async (query: CompiledQuery) => {
        sent.push(query);
        return { rows: [{ id: query.parameters[0] }] };
      },
    } as unknown as Kysely<DB> & Transaction<DB>;
    const byId = queryText((_db, id: string) => {
      builds++;
      return { compile: () => CompiledQuery.raw('select id from tickets where id = $1', [id]) };
    });
    const first = await byId<{ id: string }>(db, 'a');
    const second = await byId<{ id: string }>(db, 'b');
    expect(builds).toBe(1);
    expect(sent.map((q) => [q.sql, q.parameters])).toEqual([
      ['select id from tickets where id = $1', ['a']],
      ['select id from tickets where id = $1', ['b']],
    ]);
    expect([first.rows[0]?.id, second.rows[0]?.id]).toEqual(['a', 'b']);
  });
});
