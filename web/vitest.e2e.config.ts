import { defineConfig } from 'vitest/config';

// Browser tests (e2e/*.e2e.ts): a real Ferry, PostgreSQL, Redis and Chromium,
// started by e2e/global-setup.ts. Run with `npm run test:e2e`; the component
// tests' config (vite.config.ts) does not pick these files up.
// `npm run screenshots` (FERRY_SCREENSHOTS=1) runs the README's pictures
// (e2e/screenshots.shots.ts) instead, with the same setup.
const screenshots = process.env.FERRY_SCREENSHOTS === '1';
export default defineConfig({
  test: {
    include: screenshots ? ['e2e/**/*.shots.ts'] : ['e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['e2e/global-setup.ts'],
    // One file at a time: each drives its own Chromium, and the machine is small.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Building Ferry may take minutes on a cold Go cache.
    teardownTimeout: 30_000,
  },
});
