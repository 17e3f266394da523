import { Command } from 'commander';
import { APP_VERSION } from '../version.js';
import { registerAdminCommands } from './admin-commands.js';
import { registerAuditCommands } from './audit-commands.js';
import { registerConfigCommand } from './config-command.js';
import { registerDbCommands } from './db-commands.js';
import { registerJobsCommands } from './jobs-commands.js';
import { registerKeysCommands } from './keys-commands.js';
import { registerNumbersCommands } from './numbers-commands.js';
import { registerProcessCommands } from './process-commands.js';
import { registerUsersCommands } from './users-commands.js';

/** Where a command reads what it is piped (`admin create --password-stdin`). */
export type CliInput = AsyncIterable<Buffer | string> | Iterable<Buffer | string>;

/** A fresh `switchboard` command tree; commander keeps parse state, so one per run. */
export function buildProgram(input: CliInput = process.stdin): Command {
  const program = new Command('switchboard')
    .description('Switchboard: a self-hostable multi-channel support desk')
    .version(APP_VERSION)
    .showHelpAfterError()
    .exitOverride();
  registerProcessCommands(program);
  registerDbCommands(program);
  registerJobsCommands(program);
  registerAdminCommands(program, input);
  registerUsersCommands(program);
  registerAuditCommands(program);
  registerKeysCommands(program);
  registerNumbersCommands(program);
  registerConfigCommand(program);
  return program;
}
