import type { MiddlewareHandler } from 'hono';
import type { Role } from '../../drizzle/schema';
import type { HonoEnv } from '../env';
import type { SignInReads } from './sign-in-reads';

/** The minimum role a route declares: the three operator roles, or a non-human caller. */
export type MinRole = 'public' | Role | 'runner' | 'telegram' | 'run';

type Guard = MiddlewareHandler<HonoEnv>;

/**
 * The middleware that decides who may call a route, one per kind of caller. Each lives with
 * its feature (auth, runners, telegram), above this layer, so routes cannot import them: the
 * host hands them in once (`provideGuards` in createApp) and every route's guard runs them.
 */
export interface Guards {
  /** A signed-in person holding `minRole` or above; `reads` ride in the sign-in check's batch. */
  role(minRole: Role, reads?: SignInReads, options?: { inBatch?: boolean }): Guard;
  /** A runner's bearer token. */
  runner: Guard;
  /** A runner's bearer token read but not yet checked: the route checks it in its own batch. */
  runnerInBatch: Guard;
  /** Telegram's webhook secret. */
  telegram: Guard;
  /** One run's own token (an agent mid-run, on HQ's MCP server). */
  run: Guard;
}

let provided: Guards | undefined;

/** Hands the routes their guards; the host calls it before serving any request. */
export function provideGuards(guards: Guards): void {
  provided = guards;
}

/** Every route guard and the role it enforces; the route audit test reads them. */
const marks = new WeakMap<Guard, MinRole>();

/** The role a handler guards for, when it is a route guard. */
export function guardedRole(handler: unknown): MinRole | undefined {
  return typeof handler === 'function' ? marks.get(handler as Guard) : undefined;
}

/** How a route's guard runs, besides its role. */
export interface GuardOptions {
  /**
   * A runner route that checks the token in its own D1 batch (with its writes, one round
   * trip): the guard only reads the token, and the route must call the runner guard's
   * `admitRunner` before it answers.
   */
  runnerCheckedInBatch?: boolean;
  /**
   * A signed-in route's first reads, asked with the sign-in check in one batch; the route
   * takes their results with `readsAfterSignIn` (worker/http/sign-in-reads.ts).
   */
  readsWithSignIn?: SignInReads;
  /**
   * A write route that checks a remembered session in its own D1 batch (one round trip): the
   * route must guard its writes with `signedInSql` and call `settleSignIn` after its batch
   * whenever `signInToCheck` is set (worker/auth/sign-in-in-batch.ts).
   */
  signInCheckedInBatch?: boolean;
}

function pick(guards: Guards, minRole: Exclude<MinRole, 'public'>, options: GuardOptions): Guard {
  if (minRole === 'runner')
    return options.runnerCheckedInBatch ? guards.runnerInBatch : guards.runner;
  if (minRole === 'telegram') return guards.telegram;
  if (minRole === 'run') return guards.run;
  return guards.role(minRole, options.readsWithSignIn, {
    inBatch: options.signInCheckedInBatch,
  });
}

/**
 * The guard a route declares for `minRole`: a public route lets everyone through; any other
 * runs the guard the host provided, and fails closed (500) if none was.
 */
export function routeGuard(minRole: MinRole, options: GuardOptions = {}): Guard {
  let resolved: { from: Guards; guard: Guard } | undefined;
  const guard: Guard = async function routeGuard(c, next) {
    if (minRole === 'public') return next();
    if (!provided) throw new Error(`No guard provided for ${minRole} routes: call provideGuards.`);
    // Picked once per provided set, not per request: a role guard is built once.
    if (resolved?.from !== provided)
      resolved = { from: provided, guard: pick(provided, minRole, options) };
    return resolved.guard(c, next);
  };
  marks.set(guard, minRole);
  return guard;
}
