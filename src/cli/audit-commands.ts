import type { Command } from 'commander';
import { pino } from 'pino';
import { bootConfigWithSecret } from '../boot.js';
import { setRetentionFloor, verifyAuditChain } from '../modules/audit/index.js';
import { writeCheckpoint } from '../platform/audit/checkpoint.js';
import { createDatabase } from '../platform/db/connection.js';
import { withDatabase } from './with-database.js';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('The tamper-evident audit log');
  audit
    .command('verify')
    .description(
      'Check the keyed hash chain and its signed checkpoints; names the first changed or missing row and exits 1 if there is one. An intact chain gets a new signed checkpoint (logged to stderr)',
    )
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) =>
      withDatabase(async (url) => {
        // The chain is keyed with SECRET_KEY: verify needs the key the app uses.
        const config = await bootConfigWithSecret();
        const database = createDatabase(url, { ...config, DATABASE_POOL_MAX: 1 });
        try {
          let reported = 0;
          const report = await verifyAuditChain(database.db, (rows) => {
            if (rows - reported >= 50_000) {
              process.stderr.write(`… ${rows} rows checked\n`);
              reported = rows;
            }
          });
          if (options.json) console.log(JSON.stringify(report));
          else if (report.ok) console.log(`Audit log verified: ${report.rows} rows, chain intact.`);
          else console.log(`Audit log TAMPERED: first bad row id=${report.firstBadId}: ${report.reason}`);
          if (report.ok) {
            const logger = pino({ level: 'info' }, pino.destination(2));
            await database.db.transaction().execute((trx) => writeCheckpoint(trx, 'head', logger));
            logger.flush();
          } else process.exitCode = 1;
        } finally {
          await database.close();
        }
      }),
    );
  audit
    .command('retention')
    .description(
      'Set the retention floor (as the database owner): audit_purge() never removes entries younger than this, whoever calls it',
    )
    .requiredOption('--days <days>', 'whole days, at least 1 (match AUDIT_RETENTION_DAYS)')
    .action((options: { days: string }) =>
      withDatabase(async (url, config) => {
        const days = Number(options.days);
        if (!Number.isInteger(days) || days < 1)
          throw new Error('--days must be a whole number of days, at least 1');
        const database = createDatabase(url, { ...config, DATABASE_POOL_MAX: 1 });
        try {
          await setRetentionFloor(database.db, days);
          console.log(`Audit entries younger than ${days} days can no longer be purged.`);
        } finally {
          await database.close();
        }
      }),
    );
}
