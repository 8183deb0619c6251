import { createApp } from './app';
import { purgeExpired } from './auth/purge';
import { ceo } from './ceo/client';
import { office } from './office/client';
import { expirePlanningLeases } from './planning/ending';
import { expireReviewLeases } from './reviews/jobs/ending';
import { runDueRoutines } from './routines/clock';
import { dispatch } from './tasks/dispatch';
import { sweep } from './tasks/sweep';

export { AgentDO } from '../durable-objects/agent-do';
export { CeoDO } from '../durable-objects/ceo-do';
export { OfficeDO } from '../durable-objects/office-do';
export { RateLimitDO } from '../durable-objects/rate-limit-do';

const app = createApp();
/** The two schedules of wrangler.toml's [triggers]; any other (a hand-fired tick) runs both. */
const ROUTINES_CRON = '* * * * *';
const WORK_LOOP_CRON = '*/5 * * * *';

export default {
  fetch: app.fetch,
  /**
   * Crons (wrangler.toml): every minute, routines whose scheduled time came fire; every five
   * minutes, the work loop's sweep (stale heartbeats, 48-hour limit), dispatch, the CEO's
   * clock, the office, and expired sessions and sign-in states purged.
   */
  async scheduled(controller, env) {
    if (controller.cron !== WORK_LOOP_CRON) {
      await runDueRoutines(env, controller.scheduledTime);
      if (controller.cron === ROUTINES_CRON) return;
    }
    await sweep(env, controller.scheduledTime);
    // Review jobs and planning runs whose runner went silent: queued again, or failed after
    // three leases.
    await expireReviewLeases(env.DB, controller.scheduledTime);
    await expirePlanningLeases(env, controller.scheduledTime);
    await dispatch(env, controller.scheduledTime);
    await ceo(env).tick();
    // The sweep and dispatch move tasks without a request: the office hears of it now.
    await office(env).poke();
    await purgeExpired(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;
