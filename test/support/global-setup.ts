// vitest globalSetup: starts the local stand-ins for outside services in the Node process and
// provides their addresses to the tests (read with `inject(...)`, typed in provided-context.d.ts).
import type { TestProject } from 'vitest/node';
import { startGithubStandIn } from './github-stand-in';
import { startModelStandIn } from './model-stand-in';
import { startOidcProvider } from './oidc-provider';
import { startTelegramStandIn } from './telegram-stand-in';

// Each starter starts one stand-in, provides its details, and returns how to stop it.
type Starter = (project: TestProject) => Promise<() => Promise<void>>;

const starters: Starter[] = [
  async (project) => {
    const { close, ...oidc } = await startOidcProvider();
    project.provide('oidc', oidc);
    return close;
  },
  async (project) => {
    const { close, ...github } = await startGithubStandIn();
    project.provide('github', github);
    return close;
  },
  async (project) => {
    const { close, ...models } = await startModelStandIn();
    project.provide('models', models);
    return close;
  },
  async (project) => {
    const { close, ...telegram } = await startTelegramStandIn();
    project.provide('telegram', telegram);
    return close;
  },
];

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    // Reverse start order, and every stop runs even if one fails, so no server outlives the run.
    let failure: unknown;
    for (const stop of stops.reverse()) {
      await stop().catch((error: unknown) => {
        failure ??= error;
      });
    }
    if (failure !== undefined) throw failure;
  };
  try {
    for (const start of starters) stops.push(await start(project));
  } catch (error) {
    await stopAll().catch(() => {});
    throw error;
  }
  return stopAll;
}
