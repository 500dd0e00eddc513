import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A Roster server started from the build, as an operator would run it, for benchmarks. */
export interface RosterProcess {
  url: string;
  env: NodeJS.ProcessEnv;
  /** Runs `roster <args> --json` against the server's database and returns what it printed. */
  cli: (args: string[]) => Record<string, string>;
  /** Peak resident set size of the server so far (VmHWM), in MB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

export async function startRosterProcess(env: NodeJS.ProcessEnv, port: number): Promise<RosterProcess> {
  const url = `http://127.0.0.1:${port}`;
  const fullEnv = {
    ...process.env,
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    ROSTER_PUBLIC_URL: url,
    LOG_LEVEL: 'warn',
  };
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      path.resolve('bin/roster.js'),
      'serve',
    ],
    {
      env: fullEnv,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  for (let i = 0; i < 200; i += 1) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      await sleep(100);
    }
  }
  return {
    url,
    env: fullEnv,
    cli: (args) =>
      JSON.parse(
        execFileSync(process.execPath, ['bin/roster.js', ...args, '--json'], {
          env: fullEnv,
          encoding: 'utf8',
        }),
      ) as Record<string, string>,
    peakRssMb: () => {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return Math.round(kb / 1024);
    },
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
