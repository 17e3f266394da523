import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { buildFingerprint } from './build-fingerprint.js';

/**
 * Builds dist/ from src/: the compiled server, the browser assets, views and static files.
 *
 *   tsx scripts/build.ts               build from scratch (npm run build, npm install's prepare)
 *   tsx scripts/build.ts --if-changed  build only when the sources differ from the last build's
 *                                      (npm start: a second start goes straight to the server)
 *
 * The last build's fingerprint is written to dist/.build-fingerprint after every step succeeded, so
 * a build that failed half-way is never taken for a finished one.
 */
const STAMP = 'dist/.build-fingerprint';

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const ifChanged = process.argv.includes('--if-changed');
const fingerprint = buildFingerprint();
if (ifChanged && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === fingerprint) process.exit(0);

if (ifChanged) console.log('sources changed since the last build: building dist/');
rmSync('dist', { recursive: true, force: true });
run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
run(process.execPath, ['--import', 'tsx', 'scripts/build-assets.ts', '--dist']);
// tsc writes files without the executable bit; `npx switchboard` runs dist/cli.js through its shebang.
chmodSync('dist/cli.js', 0o755);
writeFileSync(STAMP, fingerprint);
