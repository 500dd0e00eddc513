// Runs the CLI straight from the TypeScript sources (tests and development: `node --import tsx src/cli/run.ts`).
import { main } from './main.js';

await main(process.argv);
