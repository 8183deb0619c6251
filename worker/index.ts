import { createApp } from './app';
import { purgeExpired } from './auth/purge';
import { ceo } from './ceo/client';
import { office } from './office/client';
import { expirePlanningLeases } from './planning/ending';
import { expireReviewLeases } from './reviews/jobs/ending';
import { dispatch } from './tasks/dispatch';
import { sweep } from './tasks/sweep';

export { AgentDO } from '../durable-objects/agent-do';
export { CeoDO } from '../durable-objects/ceo-do';
export { OfficeDO } from '../durable-objects/office-do';
export { RateLimitDO } from '../durable-objects/rate-limit-do';

const app = createApp();

export default {
  fetch: app.fetch,
  /** Cron: the work loop's sweep (stale heartbeats, 48-hour limit), dispatch, the CEO's clock, the office, and expired sessions and sign-in states purged. */
  async scheduled(controller, env) {
    await sweep(env, controller.scheduledTime);
    // Review jobs whose runner went silent: queued again, or failed after three leases.
    await expireReviewLeases(env.DB, controller.scheduledTime);
    await expirePlanningLeases(env.DB, controller.scheduledTime);
    await dispatch(env, controller.scheduledTime);
    await ceo(env).tick();
    // The sweep and dispatch move tasks without a request: the office hears of it now.
    await office(env).poke();
    await purgeExpired(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;
