#!/usr/bin/env -S node --max-semi-space-size=32
// A 32 MB young generation (V8's default is 16): a busy server's in-flight requests outlive fewer
// scavenges, so less is copied and promoted; searches at 50 connections got 7-13 % faster
// (bench/README.md). `npm start` and the benches pass the same flag.
import { Command, CommanderError } from 'commander';
import { registerAdminCommands } from './cli/admin-commands.js';
import { registerAuditCommands } from './cli/audit-commands.js';
import { registerConfigCommand } from './cli/config-command.js';
import { registerDbCommands } from './cli/db-commands.js';
import { registerJobsCommands } from './cli/jobs-commands.js';
import { registerKeysCommands } from './cli/keys-commands.js';
import { registerProcessCommands } from './cli/process-commands.js';
import { registerUsersCommands } from './cli/users-commands.js';
import { ConfigError } from './config.js';
import { APP_VERSION } from './version.js';

/** Exit status for a configuration error (sysexits.h EX_CONFIG). */
const EX_CONFIG = 78;

const program = new Command('switchboard')
  .description('Switchboard: a self-hostable multi-channel support desk')
  .version(APP_VERSION)
  .showHelpAfterError()
  .exitOverride();

registerProcessCommands(program);
registerDbCommands(program);
registerJobsCommands(program);
registerAdminCommands(program);
registerUsersCommands(program);
registerAuditCommands(program);
registerKeysCommands(program);
registerConfigCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(EX_CONFIG);
  }
  console.error(`switchboard: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
