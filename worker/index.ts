import { createApp } from './app';

export { AgentDO } from '../durable-objects/agent-do';

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
