import type { Session } from './hq';
import { median, ms, repeat, serverMs, verdict } from './stats';
import { callbackUpdate, linkChat } from './telegram-updates';
import type { BenchContext, BenchRow } from './types';

const BAR_MS = 100;
const POLL_MS = 10;

interface MissionView {
  id: string;
  status: string;
  decidedAt: string | null;
  decidedBy: string | null;
}

/** A small mission proposal, as an agent would send it. */
const plan = (title: string) => ({
  title,
  brief: 'Measured by npm run bench: approved from a Telegram button.',
  repository: 'demo/storefront',
  tasks: [
    { title: `${title}: API`, spec: 'Change src/api.ts.', expectedScope: ['src/api.ts'] },
    { title: `${title}: tests`, spec: 'Add tests.', expectedScope: ['test/**'] },
  ],
});

/** Polls the mission until it is APPROVED; the wall-clock time when it was seen so. */
async function approvedAt(operator: Session, id: string): Promise<MissionView & { seen: number }> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const mission = await operator.json<MissionView>(`/api/missions/${id}`);
    if (mission.status === 'APPROVED') return { ...mission, seen: Date.now() };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`mission ${id} was not approved within 30 s`);
}

/**
 * An operator taps Approve under a mission proposal in Telegram. Measured from posting the
 * callback_query update to the webhook until the mission is APPROVED: by the server's own
 * decision time (decidedAt; HQ runs on this machine, so it shares the clock), and by polling
 * GET /api/missions/:id (wall-clock, with the poll interval in it).
 */
export async function measure(ctx: BenchContext): Promise<BenchRow[]> {
  const hq = await ctx.hq();
  const operator = await hq.signIn('operator@hq.local');
  const chatId = await linkChat(hq, operator);

  async function approveOnce(label: string) {
    const mission = await operator.json<{ id: string }>('/api/missions', {
      method: 'POST',
      body: plan(label),
    });
    // The proposal reaches Telegram (with its buttons) before the operator can tap.
    await hq.ceoIdle();
    const sent = Date.now();
    const ack = await hq.deliver(callbackUpdate(chatId, `mission:approve:${mission.id}`));
    if (ack.status !== 200) throw new Error(`webhook: ${ack.status} ${await ack.text()}`);
    const acked = { server: serverMs(ack), wall: Date.now() - sent };
    const approved = await approvedAt(operator, mission.id);
    if (approved.decidedBy !== operator.email || !approved.decidedAt)
      throw new Error(`approved by ${approved.decidedBy}, not ${operator.email}`);
    return {
      server: Date.parse(approved.decidedAt) - sent,
      polled: approved.seen - sent,
      acked,
    };
  }

  await approveOnce('Bench warm-up mission');
  const runs = await repeat(Math.max(ctx.runs, 5), async (run) => {
    const result = await approveOnce(`Bench mission ${run + 1}`);
    ctx.log(
      `approval run ${run + 1}: decided ${ms(result.server)} after the tap, seen APPROVED after ${ms(result.polled)} (ack ${ms(result.acked.server)})`,
    );
    await hq.ceoIdle();
    return result;
  });

  const server = median(runs.map((r) => r.server));
  return [
    {
      name: 'Mission approval from a Telegram button (server)',
      value: ms(server),
      bar: `< ${BAR_MS} ms`,
      verdict: verdict(server < BAR_MS),
      note: 'webhook posted → decidedAt',
    },
    {
      name: 'Mission approval from a Telegram button (wall, polled)',
      value: ms(median(runs.map((r) => r.polled))),
      bar: '—',
      verdict: '—',
      note: `GET /api/missions/:id every ${POLL_MS} ms`,
    },
  ];
}
