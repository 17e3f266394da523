import { CompiledQuery, type Kysely, type QueryResult, type Transaction } from 'kysely';
import type { DB } from './schema.js';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * A statement whose text never changes, built and compiled by Kysely once and then sent with each
 * call's values. Kysely otherwise builds, freezes and compiles the whole query tree on every call:
 * 9 % of a ticket read's time (bench/README.md). `build` must put the values in the order the
 * call is given them, as placeholders only (no value may change the text).
 */
export function queryText<Values extends unknown[]>(
  build: (db: Db, ...values: Values) => { compile(): CompiledQuery },
): <Row>(db: Db, ...values: Values) => Promise<QueryResult<Row>> {
  let text: string | undefined;
  return <Row>(db: Db, ...values: Values) => {
    text ??= build(db, ...values).compile().sql;
    return db.executeQuery<Row>(CompiledQuery.raw(text, values));
  };
}
