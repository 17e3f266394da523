import { type ChildProcess, spawn } from 'node:child_process';

/**
 * `npm run dev`: the server from source with reload on change (tsx watch), and the CSS/asset
 * build in watch mode, side by side. Ctrl-C stops both.
 */
const children: ChildProcess[] = [
  spawn(process.execPath, ['--import', 'tsx', 'scripts/build-assets.ts', '--watch'], { stdio: 'inherit' }),
  spawn(
    'npx',
    ['tsx', 'watch', '--clear-screen=false', '--include', 'src/web/views/**', 'src/cli.ts', 'serve'],
    {
      stdio: 'inherit',
      env: { ...process.env, LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty' },
    },
  ),
];

const stop = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', (code) => code && code !== 0 && stop());
