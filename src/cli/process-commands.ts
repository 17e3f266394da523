import type { Command } from 'commander';
import { bootConfigWithSecret } from '../boot.js';
import type { Config } from '../config.js';

// Loaded lazily so short commands (config, db status) do not pay for the whole app's imports.
const PROCESSES: { name: string; description: string; run(config: Config): Promise<void> }[] = [
  {
    name: 'serve',
    description: 'Run the web app, API and (with WORKER_MODE=inline, the default) background jobs',
    run: async (config) => (await import('../server.js')).serve(config),
  },
  {
    name: 'worker',
    description: 'Run background jobs and schedules (for WORKER_MODE=separate deployments)',
    run: async (config) => (await import('../worker.js')).work(config),
  },
];

export function registerProcessCommands(program: Command): void {
  for (const process of PROCESSES) {
    program
      .command(process.name)
      .description(process.description)
      .action(async () => process.run(await bootConfigWithSecret()));
  }
}
