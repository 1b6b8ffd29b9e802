import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Committed and embedded in the Go binary: no source maps, no inlined
    // data: URLs (the CSP allows only 'self').
    sourcemap: false,
    assetsInlineLimit: 0,
    // Two pages, one build: the console, and the GraphQL playground that Go
    // serves at / (its assets stay under /console/assets/).
    // GraphiQL with its editor is one large chunk, loaded only at /.
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      input: { index: 'index.html', playground: 'playground.html' },
    },
  },
  server: {
    proxy: { '/graphql': { target: 'http://127.0.0.1:8080', ws: true } },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test-setup.ts'],
  },
});
