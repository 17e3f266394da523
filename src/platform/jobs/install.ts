import PgBoss from 'pg-boss';

export const JOB_SCHEMA = 'pgboss';

/** Creates or upgrades the job queue's own tables (pg-boss manages its schema itself). */
export async function installJobSchema(url: string): Promise<void> {
  const boss = new PgBoss({
    connectionString: url,
    schema: JOB_SCHEMA,
    max: 1,
    supervise: false,
    schedule: false,
  });
  boss.on('error', () => {});
  await boss.start();
  await boss.stop({ graceful: false, wait: true });
}
