import { createApp } from './app';
import { dispatch } from './tasks/dispatch';
import { sweep } from './tasks/sweep';

export { AgentDO } from '../durable-objects/agent-do';

const app = createApp();

export default {
  fetch: app.fetch,
  /** Cron: the work loop's sweep (stale heartbeats, 48-hour limit), then dispatch. */
  async scheduled(controller, env) {
    await sweep(env, controller.scheduledTime);
    await dispatch(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;
