import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startListening } from './processes.js';
import { SERVE } from './support.js';

/**
 * Time from `switchboard serve` (built) to a 200 from /health/ready on the embedded PostgreSQL:
 * first start on an empty DATA_DIR (initdb included), then a second start on the same data.
 * Usage: npm run build && tsx bench/startup.ts
 */
async function timeToReady(dataDir: string): Promise<number> {
  const started = performance.now();
  const server = await startListening(process.execPath, SERVE, {
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_FORMAT: 'json',
    NODE_ENV: 'production',
    ENV_FILE: '/nonexistent',
  });
  for (;;) {
    const res = await fetch(`${server.baseUrl}/health/ready`).catch(() => undefined);
    if (res?.status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const elapsed = performance.now() - started;
  await server.stop();
  return elapsed;
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'sb-startup-'));
try {
  const first = await timeToReady(dataDir);
  const second = await timeToReady(dataDir);
  console.log(`first start (initialise PostgreSQL): ${(first / 1000).toFixed(2)} s to /health/ready 200`);
  console.log(`later start:                          ${(second / 1000).toFixed(2)} s to /health/ready 200`);
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
