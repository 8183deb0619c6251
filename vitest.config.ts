import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

const root = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Every variable named in .dev.vars.example, set to an empty string. */
function blankDevVars(): Record<string, string> {
  const names = readFileSync(root('./.dev.vars.example'), 'utf8')
    .split('\n')
    .map((line) => /^([A-Z0-9_]+)=/.exec(line.trim())?.[1])
    .filter((name): name is string => Boolean(name));
  return Object.fromEntries(names.map((name) => [name, '']));
}

// Two projects: the worker's tests run inside workerd with real D1 and Durable Objects; the
// node project holds what needs a real OS (browser, wrangler CLI, git, the runner).
export default defineConfig({
  test: {
    restoreMocks: true,
    projects: [
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: root('./wrangler.toml') },
            miniflare: {
              // Test configuration: every variable of .dev.vars.example blanked first, so a
              // developer's own .dev.vars (which wrangler would read) never leaks into tests.
              bindings: {
                ...blankDevVars(),
                SESSION_SECRET: 'test-session-secret-0123456789abcdef0123456789',
                ENCRYPTION_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
                ADMIN_EMAILS: 'admin@test.hq',
                OPERATOR_EMAILS: 'operator@test.hq',
                VIEWER_EMAILS: 'viewer@test.hq',
                DEV_LOGIN: 'true',
                // A bot that exists only for the tests: its API root is the local Bot API
                // stand-in, set per test through settings (telegram.apiRoot).
                TELEGRAM_BOT_TOKEN: '123456:test-token-for-the-local-bot-api',
                TELEGRAM_BOT_USERNAME: 'hq_test_bot',
                TELEGRAM_WEBHOOK_SECRET: 'test-webhook-secret-0123456789abcdef',
                TEST_MIGRATIONS: await readD1Migrations(root('./drizzle')),
              },
            },
          })),
        ],
        test: {
          name: 'worker',
          include: ['test/worker/**/*.test.ts'],
          setupFiles: [
            './test/worker/setup/apply-migrations.ts',
            './test/worker/setup/offline-telegram.ts',
          ],
          globalSetup: ['./test/support/global-setup.ts'],
        },
      },
      {
        test: {
          name: 'node',
          // One file at a time: each starts wrangler dev (and often Chromium) on a 2-core machine.
          fileParallelism: false,
          include: ['test/node/**/*.test.ts'],
          globalSetup: ['./test/support/node-global-setup.ts'],
          setupFiles: ['./test/support/node-setup.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
