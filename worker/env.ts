import type { Role } from '../drizzle/schema';

/** The signed-in operator, resolved per request from the session cookie and the role tables. */
export interface SignedInUser {
  email: string;
  role: Role;
}

/** The one Hono environment type: bindings from `wrangler types`, plus per-request variables. */
export type HonoEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    user: SignedInUser;
    /** The runner calling the runner API (bearer token). */
    runner: {
      id: string;
      name: string;
      /** What it declared it runs and serves, read with the token (capabilities.ts offerOf); presets as
       * plain names because this foundation file may not import the agents' catalog. */
      offer: { presets: string[]; repositories: string[] };
    };
    /** The SHA-256 of a runner's token, for a route that checks it in its own batch (runners/guard.ts). */
    runnerTokenHash: string;
    /**
     * A sign-in the role guard left to the route's own batch (worker/auth/sign-in-in-batch.ts):
     * the session's token hash, the email its last full check found, the role the route needs, and the
     * full check, for saying why when the batch refused.
     */
    signInToCheck:
      | { tokenHash: string; email: string; minRole: Role; recheck(): Promise<void> }
      | undefined;
    /** A route's first reads, asked in the sign-in check's batch (worker/http/sign-in-reads.ts). */
    signInReads: { reads: unknown; results: unknown[] } | undefined;
    /** The run an agent's CLI calls HQ's MCP server for (its run token, worker/mcp/guard.ts). */
    run: RunCaller;
  };
};

/** One run of one task, as its token names it and the task confirms it. */
export interface RunCaller {
  taskId: string;
  run: number;
  runnerId: string;
  /** The task's agent; null for a task run by the runner's own default executor. */
  agentSlug: string | null;
}

/**
 * Configuration values may be absent at run time even though `wrangler types` types them as
 * strings (it reads .dev.vars.example). Read them through this so absence is handled.
 */
export function envValue(env: Env, name: keyof Env): string | undefined {
  const value: unknown = env[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Comma-separated email list, normalised to lower case. */
export function envEmails(env: Env, name: keyof Env): string[] {
  return (envValue(env, name) ?? '')
    .split(',')
    .map((email) => email.trim().toLowerCase())
    .filter(Boolean);
}
