import v8 from 'node:v8';

/**
 * How far V8 lets the JavaScript heap grow past what survived the last full collection. By
 * default it sizes that room from the machine's memory (up to 4× on a large machine), so a Graph
 * sync whose live data is ~60 MB let garbage pile up to 140 MB before collecting it, and the
 * process peaked above the 300 MB issue 3 allows. Doubling is enough headroom: the 100,000-user
 * pull took the same time and peaked ~80 MB lower (BENCHMARKS.md). Unlike --max-old-space-size
 * this is no ceiling — a heap that needs more still gets it. V8 reads the flag at every
 * collection, so setting it at start-up works; `node --heap-growing-percent=N` given by an
 * operator wins.
 */
export function limitHeapGrowth(percent = 100): void {
  if (process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent'))) return;
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
