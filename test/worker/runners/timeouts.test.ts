import { createScheduledController, runDurableObjectAlarm } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../../worker/index';
import { approve, hire, plan, propose } from '../missions/support';
import { type ClaimBody, registerRunner, runnerCall } from './support';

const oneTask = () => plan({ tasks: [{ title: 't', spec: 's', expectedScope: ['**'] }] });

async function claimedTask(runner: string) {
  const { token } = await registerRunner(runner);
  const { mission, operator } = await propose(oneTask());
  await approve(mission.id, operator);
  const body = (await (
    await runnerCall(token, '/api/runner/claim', { json: { waitSeconds: 0 } })
  ).json()) as ClaimBody;
  return { task: body.task, token };
}

const task = (id: string) =>
  env.DB.prepare('SELECT status, requeues, failure_reason, agent_id FROM tasks WHERE id = ?')
    .bind(id)
    .first<{
      status: string;
      requeues: number;
      failure_reason: string | null;
      agent_id: string | null;
    }>();

/** Makes a task look `seconds` older than it is, instead of waiting. */
const age = (id: string, column: 'last_heartbeat_at' | 'created_at', seconds: number) =>
  env.DB.prepare(`UPDATE tasks SET ${column} = ${column} - ? WHERE id = ?`)
    .bind(seconds * 1000, id)
    .run();

/** Moves the task's timeline (when it entered each status) back by `seconds`. */
const ageMoves = (id: string, seconds: number) =>
  env.DB.prepare('UPDATE task_events SET created_at = created_at - ? WHERE task_id = ?')
    .bind(seconds * 1000, id)
    .run();

async function cron(at = Date.now()) {
  await worker.scheduled(
    createScheduledController({ scheduledTime: at, cron: '*/5 * * * *' }),
    env,
  );
}

describe('work loop clocks', () => {
  it('the cron requeues a running task whose runner went quiet, and dispatches it again', async () => {
    await hire({ slug: 'quiet-agent' });
    const { task: t } = await claimedTask('quiet');
    await age(t.id, 'last_heartbeat_at', 299);
    await cron();
    expect((await task(t.id))?.status).toBe('RUNNING');
    await age(t.id, 'last_heartbeat_at', 2);
    await cron();
    expect(await task(t.id)).toMatchObject({ status: 'ASSIGNED', requeues: 1 });
    const events = await env.DB.prepare(
      "SELECT actor, reason FROM task_events WHERE task_id = ? AND to_status = 'PENDING' AND from_status = 'RUNNING'",
    )
      .bind(t.id)
      .all();
    expect(events.results).toEqual([
      { actor: 'sweeper', reason: 'no heartbeat for 300 s: requeued (1 of 3)' },
    ]);
  });

  it('fails a task after three requeues', async () => {
    await hire({ slug: 'requeue-agent' });
    const { task: t } = await claimedTask('requeuer');
    await env.DB.prepare('UPDATE tasks SET requeues = 3 WHERE id = ?').bind(t.id).run();
    await age(t.id, 'last_heartbeat_at', 400);
    await cron();
    expect(await task(t.id)).toMatchObject({
      status: 'FAILED',
      failure_reason: 'no heartbeat for 300 s after 3 requeues',
    });
  });

  it('fails a task held 48 hours in its status (from its last move)', async () => {
    await hire({ slug: 'slow-agent' });
    const { mission, operator } = await propose(oneTask());
    const { tasks } = (await (await approve(mission.id, operator)).json()) as {
      tasks: { id: string }[];
    };
    const id = tasks[0]?.id ?? '';
    await ageMoves(id, 47 * 3600);
    await cron();
    expect((await task(id))?.status).toBe('ASSIGNED');
    await ageMoves(id, 3600 + 1);
    await cron();
    expect(await task(id)).toMatchObject({
      status: 'FAILED',
      failure_reason: 'not done within 48 hours',
    });
  });

  it("the agent's Durable Object alarm requeues a stale run without waiting for the cron", async () => {
    await hire({ slug: 'alarm-agent' });
    const { task: t } = await claimedTask('alarmed');
    const agentId = (await task(t.id))?.agent_id ?? '';
    const stub = env.AGENT.get(env.AGENT.idFromName(agentId));
    // Fresh heartbeat: the alarm finds nothing to do and sleeps again.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await task(t.id))?.status).toBe('RUNNING');
    await age(t.id, 'last_heartbeat_at', 400);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await task(t.id)).toMatchObject({ status: 'ASSIGNED', requeues: 1 });
  });
});
