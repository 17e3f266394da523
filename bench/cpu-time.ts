import { readdir, readFile } from 'node:fs/promises';

/**
 * CPU time (user + system, ms) a process has used, from /proc (Linux). Unlike a rate, it hardly
 * moves when other work shares the machine, so a bench can report the cost of one unit of work
 * even on a busy host.
 */
export async function cpuMillis(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at the state, field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** The CPU time of every PostgreSQL backend connected to `database` now (the pool's connections). */
export async function backendCpuMillis(database: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const command = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (command.startsWith('postgres: ') && command.includes(` ${database} `))
      total += await cpuMillis(Number(entry)).catch(() => 0);
  }
  return total;
}

/** USER_HZ: 100 on every Linux this runs on (`getconf CLK_TCK`). */
const TICKS_PER_SECOND = 100;
