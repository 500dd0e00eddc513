import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Builds the portal (src/web/app) into dist/portal, which `roster serve` hands out at `/`.
 * `vite build --config src/web/vite.config.ts` runs after tsc in `npm run build`.
 */
export default defineConfig({
  root: path.join(import.meta.dirname, 'app'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.join(import.meta.dirname, '..', '..', 'dist', 'portal'),
    emptyOutDir: true,
    sourcemap: true,
  },
  logLevel: 'warn',
});
