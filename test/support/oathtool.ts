import { existsSync } from 'node:fs';

/** Where the TOTP suite looks for oathtool, an independent implementation it checks codes against. */
export const OATHTOOL = '/usr/bin/oathtool';

/**
 * Whether the oathtool comparison can run. Without it that one test is skipped and the run ends
 * with a warning; under CI=true a missing oathtool fails the run instead.
 */
export function probeOathtool(): boolean {
  if (existsSync(OATHTOOL)) return true;
  if (process.env.CI === 'true')
    throw new Error(`CI=true requires oathtool at ${OATHTOOL} (apt-get install oathtool)`);
  return false;
}
