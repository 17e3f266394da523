import { CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { buildProgram, type CliInput } from './program.js';

/** Exit status for a configuration error (sysexits.h EX_CONFIG). */
const EX_CONFIG = 78;

/**
 * Runs one command line. Returns the status to exit with, or undefined when the command finished
 * and the process should live on as long as it has work (`serve`, `worker`) or end by itself.
 */
export async function runCommandLine(argv: string[], input?: CliInput): Promise<number | undefined> {
  try {
    await buildProgram(input).parseAsync(argv);
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof ConfigError) {
      console.error(error.message);
      return EX_CONFIG;
    }
    console.error(`switchboard: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
