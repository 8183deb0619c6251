import { createApp } from './app';
import { ceo } from './ceo/client';
import { dispatch } from './tasks/dispatch';
import { sweep } from './tasks/sweep';

export { AgentDO } from '../durable-objects/agent-do';
export { CeoDO } from '../durable-objects/ceo-do';

const app = createApp();

export default {
  fetch: app.fetch,
  /** Cron: the work loop's sweep (stale heartbeats, 48-hour limit), dispatch, then the CEO's clock. */
  async scheduled(controller, env) {
    await sweep(env, controller.scheduledTime);
    await dispatch(env, controller.scheduledTime);
    await ceo(env).tick();
  },
} satisfies ExportedHandler<Env>;
