import type { Command } from 'commander';
import { verifyAuditChain } from '../modules/audit/verify.js';
import { createDatabase } from '../platform/db/connection.js';
import { withDatabase } from './with-database.js';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('The tamper-evident audit log');
  audit
    .command('verify')
    .description('Check the hash chain; names the first changed or missing row and exits 1 if there is one')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) =>
      withDatabase(async (url, config) => {
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
          if (!report.ok) process.exitCode = 1;
        } finally {
          await database.close();
        }
      }),
    );
}
