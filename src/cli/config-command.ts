import type { Command } from 'commander';
import { bootConfig } from '../boot.js';
import { maskedConfig } from '../config.js';

export function registerConfigCommand(program: Command): void {
  program
    .command('config')
    .description('Print the effective configuration (secrets masked)')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      const config = maskedConfig(bootConfig());
      if (options.json) {
        console.log(JSON.stringify(config, null, 2));
        return;
      }
      for (const [key, value] of Object.entries(config))
        console.log(`${key}=${value === undefined ? '' : String(value)}`);
    });
}
