import { type Command, InvalidArgumentError } from 'commander';
import { bootConfig } from '../boot.js';
import { APP_ROLE, appRoleLoginStatement } from '../platform/db/app-login.js';
import { migrateUrl, rollbackUrl, statusUrl } from '../platform/db/migrate-url.js';
import { resolveSecretKey } from '../platform/secrets/secret-key.js';
import { withDatabase } from './with-database.js';

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1');
  return n;
}

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('Database schema migrations');
  db.command('migrate')
    .description('Apply every pending migration')
    .action(() =>
      withDatabase(async (url, config) => {
        const applied = await migrateUrl(url, config);
        console.log(applied.length ? applied.map((m) => `applied  ${m}`).join('\n') : 'Already up to date.');
      }),
    );
  db.command('rollback')
    .description('Undo the most recent migrations')
    .option('--steps <n>', 'how many migrations to undo', positiveInteger, 1)
    .action((options: { steps: number }) =>
      withDatabase(async (url, config) => {
        const undone = await rollbackUrl(url, config, options.steps);
        console.log(undone.length ? undone.map((m) => `reverted ${m}`).join('\n') : 'Nothing to roll back.');
      }),
    );
  db.command('app-role')
    .description(`Print the SQL a superuser runs once when the database user may not let ${APP_ROLE} log in`)
    .action(async () => {
      const { SECRET_KEY } = await resolveSecretKey(bootConfig());
      // A SCRAM verifier, not the password: it cannot be used to log in.
      console.log(
        `create role ${APP_ROLE} nologin; -- skip if it exists\n${appRoleLoginStatement(SECRET_KEY)};`,
      );
    });
  db.command('status')
    .description('List migrations and whether each is applied')
    .action(() =>
      withDatabase(async (url, config) => {
        const rows = await statusUrl(url, config);
        for (const row of rows)
          console.log(
            `${row.executedAt ? row.executedAt.toISOString() : 'pending                 '}  ${row.name}`,
          );
        const pending = rows.filter((r) => !r.executedAt).length;
        console.log(`${rows.length - pending} applied, ${pending} pending`);
      }),
    );
}
