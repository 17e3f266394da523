import { type ChildProcess, spawn } from 'node:child_process';

export interface Started {
  baseUrl: string;
  /** The server's process id (for its memory in /proc). */
  pid: number;
  stop(): Promise<void>;
}

/** Starts a process that logs `Server listening at <url>` and waits for it. */
export const startListening = (command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Started> =>
  startLogging(command, args, env, /Server listening at (http:\/\/127\.0\.0\.1:\d+)/);

/** Starts a process and waits for its output to match `ready` (its first group, if any, is `baseUrl`). */
export function startLogging(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<Started> {
  const child: ChildProcess = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start:\n${output}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (output.length < 100_000) output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        // Keep draining stdout (request logs) so the server never blocks on a full pipe.
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve({
          baseUrl: match[1] ?? '',
          pid: child.pid!,
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
}
