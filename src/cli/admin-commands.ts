import type { Command } from 'commander';
import { bootConfigWithSecret } from '../boot.js';
import { createAdmin } from '../modules/auth/index.js';
import { createDatabase } from '../platform/db/connection.js';
import { AppError } from '../shared/errors.js';
import { withLinkBase } from './link-base.js';
import type { CliInput } from './program.js';
import { withDatabase } from './with-database.js';

async function readAll(input: CliInput): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function registerAdminCommands(program: Command, input: CliInput): void {
  const admin = program.command('admin').description('Administrator accounts');
  admin
    .command('create')
    .description(
      'Create the first (or another) administrator; prints a one-time sign-in link unless --password-stdin',
    )
    .requiredOption('--email <email>', 'email address of the administrator')
    .option('--name <name>', 'display name', 'Administrator')
    .option('--password-stdin', 'read a password from standard input instead of printing a sign-in link')
    .action((options: { email: string; name: string; passwordStdin?: boolean }) =>
      withDatabase(async (url) => {
        const booted = await bootConfigWithSecret();
        const password = options.passwordStdin ? await readAll(input) : undefined;
        const database = createDatabase(url, { ...booted, DATABASE_POOL_MAX: 1 });
        try {
          const config = await withLinkBase(database.system, booted);
          const result = await database.db.transaction().execute((trx) =>
            createAdmin(trx, config, {
              email: options.email,
              displayName: options.name,
              ...(password !== undefined ? { password } : {}),
            }),
          );
          console.log(
            `${result.promoted ? 'Promoted' : 'Created'} administrator ${options.email.trim().toLowerCase()}.`,
          );
          if (result.signInUrl) console.log(`Sign in within 15 minutes (one use): ${result.signInUrl}`);
        } catch (error) {
          if (error instanceof AppError) throw new Error(error.extras.errors?.[0]?.detail ?? error.message);
          throw error;
        } finally {
          await database.close();
        }
      }),
    );
}
