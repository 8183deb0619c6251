import { defineConfig } from 'drizzle-kit';

// Migrations are generated here and committed; `wrangler d1 migrations apply` and the
// tests both read the same drizzle/*.sql files. Nothing ever pushes to a database.
export default defineConfig({
  dialect: 'sqlite',
  schema: './drizzle/schema/index.ts',
  out: './drizzle',
});
