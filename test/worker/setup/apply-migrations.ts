import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';

// The same drizzle/*.sql files that `wrangler d1 migrations apply` runs (see vitest.config.ts).
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
