import type { Command } from 'commander';
import { bootConfigWithSecret } from '../boot.js';
import { ensureSigningKey, keySettings, listKeys, rotateKeys } from '../modules/oauth/index.js';
import { createDatabase } from '../platform/db/connection.js';
import { withDatabase } from './with-database.js';

const withKeys = <T>(
  run: (
    db: ReturnType<typeof createDatabase>['db'],
    config: Awaited<ReturnType<typeof bootConfigWithSecret>>,
  ) => Promise<T>,
) =>
  withDatabase(async (url) => {
    const config = await bootConfigWithSecret();
    const database = createDatabase(url, { ...config, DATABASE_POOL_MAX: 1 });
    try {
      return await run(database.db, config);
    } finally {
      await database.close();
    }
  });

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('Token signing keys (shared by every node)');
  keys
    .command('rotate')
    .description(
      'Publish a new signing key now; it signs after KEY_ROTATION_LEAD_HOURS, and the old one retires once its tokens expire',
    )
    .action(() =>
      withKeys(async (db, config) => {
        const now = new Date();
        const result = await db.transaction().execute(async (trx) => {
          await ensureSigningKey(trx, keySettings(config), now);
          return rotateKeys(trx, keySettings(config), now);
        });
        if (!result.rotated) {
          console.log(`Nothing to do: ${result.reason}.`);
          return;
        }
        console.log(`Published key ${result.kid}; it signs from ${result.activatesAt.toISOString()}.`);
        if (result.previous)
          console.log(
            `Key ${result.previous} stops signing then and leaves the JWKS at ${result.previousRetiresAt!.toISOString()}.`,
          );
      }),
    );
  keys
    .command('list')
    .description('Keys with their state: pending, signing, retiring, retired')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) =>
      withKeys(async (db) => {
        const list = await listKeys(db, new Date());
        if (options.json) {
          console.log(JSON.stringify(list, null, 2));
          return;
        }
        for (const k of list) {
          console.log(
            `${k.kid}  ${k.alg.padEnd(5)}  ${k.state.padEnd(8)}  signs from ${k.activatesAt.toISOString()}${k.retiresAt ? `  retires ${k.retiresAt.toISOString()}` : ''}`,
          );
        }
        if (list.length === 0) console.log('(no keys yet: the first start of the server makes one)');
      }),
    );
}
