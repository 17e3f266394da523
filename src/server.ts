import { buildApp } from './app.js';
import type { Config } from './config.js';
import { countUsersWithRole } from './identity/users/repo.js';
import { jobsFor, schedulesFor } from './modules/index.js';
import { recordServedUrl } from './modules/site/index.js';
import { onShutdownSignal } from './platform/process/shutdown.js';
import { startPlatformProcess } from './platform/process/start.js';

/** `switchboard serve`: the only place that listens. Stops cleanly on SIGINT/SIGTERM. */
export async function serve(config: Config): Promise<void> {
  const running = await startPlatformProcess(config, {
    runsJobs: config.WORKER_MODE === 'inline',
    jobs: jobsFor(config),
    schedules: schedulesFor(config),
  });
  try {
    const app = await buildApp(running.platform);
    onShutdownSignal(running.logger, config.SHUTDOWN_TIMEOUT_MS, async () => {
      await app.close();
      await running.stop();
    });
    await app.listen({ host: config.HOST, port: config.PORT });
    // CLI commands run without PUBLIC_URL build their links from this (cli/link-base.ts).
    await recordServedUrl(running.platform.database.system, config.PUBLIC_URL);
    running.logger.info({ url: config.PUBLIC_URL, workerMode: config.WORKER_MODE }, 'Switchboard is ready');
    // Lines are written in batches (logger.ts); whoever waits for "listening" should not wait.
    running.logger.flush();
    if ((await countUsersWithRole(running.platform.database.system, 'admin')) === 0) {
      running.logger.warn(
        'No administrator yet. Create one with: npx switchboard admin create --email you@example.com',
      );
    }
  } catch (error) {
    await running.stop().catch(() => undefined);
    throw error;
  }
}
