/**
 * The staff console's build: React through Vite, into dist/console/, which Candor serves at
 * /console (src/server.ts). Candor's Content-Security-Policy allows only its own scripts and
 * stylesheets, so everything is emitted as external files: no inline script, no inline style.
 * `npm run dev:console` serves the console with hot reload and forwards /api to a Candor on :8080.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: webRoot,
  base: '/console/',
  plugins: [react()],
  resolve: {
    // Type-only imports of the server's zod schemas (web/src/api/schema.ts) use this alias too.
    alias: { '@server': fileURLToPath(new URL('../src', import.meta.url)) },
  },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    // The preload polyfill would be harmless, but nothing may depend on inline script.
    modulePreload: { polyfill: false },
    // Never inline assets as data: URIs into CSS or JS; the CSP allows data: for images only.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
  server: {
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
