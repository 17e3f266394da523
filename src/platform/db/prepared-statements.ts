import type pg from 'pg';

/** How many distinct statements get a name; the rest (rare shapes, e.g. long IN lists) stay unnamed. */
const MAX_NAMED = 200;
/** A statement is named once it has run this often, so one-off texts never take a slot. */
const NAME_AFTER = 2;
const MAX_COUNTED = 10_000;

/**
 * Sends the app's repeated statements as named (prepared) ones. PostgreSQL then parses and plans
 * each once per connection instead of on every request: on small machines that parse-and-plan was
 * most of the database's time for a list request (bench/README.md). Kysely always binds values as
 * parameters, so the texts repeat; node-postgres keeps the per-connection bookkeeping and
 * PostgreSQL replans a statement by itself when a table it uses changes.
 */
export class PreparedStatements {
  private readonly names = new Map<string, string>();
  private readonly seen = new Map<string, number>();

  /** Makes `client` name the statements this registry has named; call once per new connection. */
  prepareOn(client: pg.PoolClient): void {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      const [text, values] = args;
      if (typeof text !== 'string' || !Array.isArray(values) || args.length !== 2) return query(...args);
      const name = this.nameFor(text);
      return name ? query({ name, text, values }) : query(text, values);
    }) as typeof client.query;
  }

  private nameFor(text: string): string | undefined {
    const name = this.names.get(text);
    if (name || this.names.size >= MAX_NAMED) return name;
    const count = (this.seen.get(text) ?? 0) + 1;
    if (count < NAME_AFTER) {
      if (this.seen.size >= MAX_COUNTED) this.seen.clear();
      this.seen.set(text, count);
      return undefined;
    }
    this.seen.delete(text);
    const named = `sb_${this.names.size + 1}`;
    this.names.set(text, named);
    return named;
  }
}
