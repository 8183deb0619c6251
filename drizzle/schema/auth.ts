import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs, ROLES } from './columns';

/** Everyone who has signed in at least once. */
export const users = sqliteTable('users', {
  email: text('email').primaryKey(),
  name: text('name'),
  lastProvider: text('last_provider'),
  createdAt: epochMs('created_at').notNull(),
  lastLoginAt: epochMs('last_login_at').notNull(),
});

/**
 * Roles granted in the app. A row overrides the env bootstrap lists for that email;
 * a row whose role is null is a revocation (so an env-listed admin can still be revoked).
 */
export const roleGrants = sqliteTable('role_grants', {
  email: text('email').primaryKey(),
  role: text('role', { enum: ROLES }),
  grantedBy: text('granted_by').notNull(),
  updatedAt: epochMs('updated_at').notNull(),
});

/** Server-side sessions: the cookie holds a random token, only its keyed hash is stored. */
export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    email: text('email').notNull(),
    provider: text('provider').notNull(),
    userAgent: text('user_agent'),
    createdAt: epochMs('created_at').notNull(),
    expiresAt: epochMs('expires_at').notNull(),
  },
  (t) => [index('sessions_email_idx').on(t.email)],
);

/** One row per sign-in attempt in flight; consumed (deleted) by the callback, so state is single-use. */
export const oauthStates = sqliteTable('oauth_states', {
  stateHash: text('state_hash').primaryKey(),
  provider: text('provider').notNull(),
  codeVerifier: text('code_verifier').notNull(),
  nonce: text('nonce').notNull(),
  expiresAt: epochMs('expires_at').notNull(),
});
