import type { Config } from './config.js';
import { jobsFor, schedulesFor } from './modules/index.js';
import { onShutdownSignal } from './platform/process/shutdown.js';
import { startPlatformProcess } from './platform/process/start.js';

/** `switchboard worker`: runs background jobs and schedules; any number may run at once. */
export async function work(config: Config): Promise<void> {
  const running = await startPlatformProcess(config, {
    runsJobs: true,
    jobs: jobsFor(config),
    schedules: schedulesFor(config),
  });
  onShutdownSignal(running.logger, config.SHUTDOWN_TIMEOUT_MS, running.stop);
  running.logger.info(
    { queues: jobsFor(config).map((j) => j.name), concurrency: config.WORKER_CONCURRENCY },
    'worker started',
  );
}
