import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronsOf, fireScheduled, startLocalClock } from '../../scripts/local-clock.mjs';
import { hqApi, signInDev, waitFor } from '../support/hq-api';
import { type LocalHq, startLocalHq } from '../support/local-hq';

// `npm start` runs the clocks as deployed: its local clock fires the scheduled handler on
// wrangler.toml's schedules through `wrangler dev --test-scheduled`, and a tick by hand works.

const root = fileURLToPath(new URL('../..', import.meta.url));
let hq: LocalHq;

interface Fire {
  trigger: string;
  status: string;
  mission: { id: string; status: string } | null;
}

beforeAll(async () => {
  hq = await startLocalHq();
}, 120_000);
afterAll(async () => {
  await hq?.stop();
});

const everyMinute = (name: string) => ({
  name,
  kind: 'mission',
  cron: '* * * * *',
  timeZone: 'UTC',
  concurrency: 'always',
  template: {
    title: `${name}: check the build`,
    brief: 'Run the build and fix what broke.',
    repository: 'acme/app',
    tasks: [{ title: 'Check the build', spec: 'Run it.', expectedScope: ['**'] }],
  },
});

describe('the local clock of npm start', () => {
  it('reads both schedules of wrangler.toml', () => {
    expect(cronsOf(root)).toEqual(['* * * * *', '*/5 * * * *']);
  });

  it('fires a routine on its minute with nothing but the clock running', async () => {
    const api = hqApi(hq, await signInDev(hq, 'operator@hq.local'));
    const { routine } = await api<{ routine: { id: string } }>(
      '/api/routines',
      everyMinute('Clocked'),
    );
    const clock = startLocalClock(hq.url, cronsOf(root), { log() {}, error() {} });
    try {
      const fires = await waitFor(
        'the local clock to fire the routine',
        async () => {
          const { items } = await api<{ items: Fire[] }>(`/api/routines/${routine.id}/fires`);
          return items.length > 0 ? items : undefined;
        },
        { seconds: 90, pollMs: 1000 },
      );
      expect(fires[0]).toMatchObject({ trigger: 'cron', status: 'proposed' });
      expect(fires[0]?.mission?.status).toBe('PROPOSED');
    } finally {
      clock.stop();
    }
  }, 120_000);

  it('a tick by hand runs the scheduled handler (what the README says to run)', async () => {
    expect(await fireScheduled(hq.url, '*/5 * * * *')).toContain('Ran scheduled event');
  });
});
