import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const entry = path.resolve(import.meta.dirname, '../../src/cli/run.ts');

/** Runs `roster …` from the sources, as a separate process, against the database in `env`. */
export async function roster(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', entry, ...args], {
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', code: failed.code ?? 1 };
  }
}

export async function rosterJson<T>(args: string[], env: NodeJS.ProcessEnv): Promise<T> {
  const result = await roster([...args, '--json'], env);
  if (result.code !== 0)
    throw new Error(`roster ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
