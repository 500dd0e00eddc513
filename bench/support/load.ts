import { performance } from 'node:perf_hooks';

/** Latency percentiles and throughput of one benchmark phase. */
export interface PhaseResult {
  phase: string;
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  errors: number;
}

/**
 * Runs `total` jobs with `concurrency` in flight, timing each. A job may send several requests
 * (Entra's GET-then-POST); `requestsPerJob` counts them for the throughput figure.
 */
export async function runPhase(
  phase: string,
  total: number,
  concurrency: number,
  job: (index: number) => Promise<boolean>,
  requestsPerJob = 1,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= total) return;
      const t0 = performance.now();
      const ok = await job(index).catch(() => false);
      latencies.push((performance.now() - t0) / requestsPerJob);
      if (!ok) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return {
    phase,
    requests: total * requestsPerJob,
    seconds: round(seconds),
    requestsPerSecond: Math.round((total * requestsPerJob) / seconds),
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    p99Ms: at(0.99),
    errors,
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
