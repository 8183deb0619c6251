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

export const API_TOKEN_ROLES = ['viewer', 'operator'] as const;
export type ApiTokenRole = (typeof API_TOKEN_ROLES)[number];

/**
 * Bearer tokens for scripts and integrations on /api/*: only the token's SHA-256 is stored
 * (it is 32 random bytes, so an unkeyed hash suffices, as for runners). The role is capped at
 * operator; names are unique forever so the audit log's `token:<name>` names one token.
 */
export const apiTokens = sqliteTable('api_tokens', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  role: text('role', { enum: API_TOKEN_ROLES }).notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  createdBy: text('created_by').notNull(),
  createdAt: epochMs('created_at').notNull(),
  expiresAt: epochMs('expires_at'),
  revokedAt: epochMs('revoked_at'),
  lastUsedAt: epochMs('last_used_at'),
});
