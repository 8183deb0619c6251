import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { noModel, script, useModels } from '../ceo/support';
import { plan, propose } from '../missions/support';
import { call, errorOf, signInAs } from '../support/client';

const MODEL = 'chat-web-stream';

interface Event {
  event: string;
  data: { text?: string; buttons?: { label: string; action: string }[][] };
}

/** Posts one chat turn and reads its whole event stream. */
async function turn(cookie: string, body: Record<string, unknown>): Promise<Event[]> {
  const response = await call('/api/chat', { method: 'POST', cookie, json: body });
  expect(response.status, await response.clone().text()).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const raw = await response.text();
  return raw
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return {
        event: eventLine?.slice(7) ?? '',
        data: JSON.parse(dataLine?.slice(6) ?? '{}'),
      } as Event;
    });
}

const key = () => crypto.randomUUID();

describe('web chat', () => {
  it('streams the answer token by token, then the whole reply, on the CEO’s queue', async () => {
    await useModels({ chat: MODEL });
    await script(MODEL, [
      { text: 'Three agents are working and nothing waits for you.', chunkDelayMs: 5 },
    ]);
    const cookie = await signInAs('operator@test.hq');
    const events = await turn(cookie, { key: key(), text: 'how are we?' });
    expect(events[0]?.event).toBe('queued');
    const tokens = events.filter((e) => e.event === 'token').map((e) => e.data.text);
    expect(tokens.length).toBeGreaterThan(5);
    expect(tokens.join('')).toBe('Three agents are working and nothing waits for you.');
    expect(events.at(-2)).toEqual({
      event: 'reply',
      data: { text: 'Three agents are working and nothing waits for you.' },
    });
    expect(events.at(-1)?.event).toBe('done');
  });

  it('answers a resent key once, and keeps each user’s history to themselves', async () => {
    await noModel();
    const cookie = await signInAs('viewer@test.hq');
    const k = key();
    const first = await turn(cookie, { key: k, text: 'status?' });
    expect(first.find((e) => e.event === 'reply')?.data.text).toContain('No model is configured');
    expect((await turn(cookie, { key: k, text: 'status?' })).map((e) => e.event)).toEqual([
      'duplicate',
    ]);
    const history = await call('/api/chat/history', { cookie });
    const { messages } = (await history.json()) as {
      messages: { sender: string; content: string }[];
    };
    expect(messages.filter((m) => m.content === 'status?')).toHaveLength(1);
    expect(messages.at(-1)?.sender).toBe('ceo');
    const other = await call('/api/chat/history', { cookie: await signInAs('admin@test.hq') });
    const theirs = (await other.json()) as { messages: { content: string }[] };
    expect(theirs.messages.some((m) => m.content === 'status?')).toBe(false);
  });

  it('confirms a proposed write with the reply’s button action', async () => {
    await useModels({ chat: MODEL });
    const { mission } = await propose(plan({ title: 'Web confirm' }));
    await script(MODEL, [
      { toolCalls: [{ name: 'approve_mission', args: { mission_id: mission.id } }] },
      { text: 'Approve "Web confirm"?' },
    ]);
    const cookie = await signInAs('operator@test.hq');
    const asked = await turn(cookie, { key: key(), text: 'approve web confirm' });
    const buttons = asked.find((e) => e.event === 'reply')?.data.buttons?.[0] ?? [];
    expect(buttons.map((b) => b.label)).toEqual(['✔ Confirm', '✖ Cancel']);
    const done = await turn(cookie, { key: key(), action: buttons[0]?.action });
    expect(done.find((e) => e.event === 'reply')?.data.text).toContain(
      'Mission "Web confirm" approved.',
    );
    const row = await env.DB.prepare('SELECT status FROM missions WHERE id = ?')
      .bind(mission.id)
      .first();
    expect(row).toEqual({ status: 'APPROVED' });
    await noModel();
  });

  it('confirms nothing on a bare yes; the phrase shown under the question confirms it', async () => {
    await useModels({ chat: MODEL });
    const { mission } = await propose(plan({ title: 'Web typed' }));
    await script(MODEL, [
      { toolCalls: [{ name: 'approve_mission', args: { mission_id: mission.id } }] },
      { text: 'Approve "Web typed"?' },
    ]);
    const cookie = await signInAs('operator@test.hq');
    const asked = await turn(cookie, { key: key(), text: 'approve web typed' });
    const question = asked.find((e) => e.event === 'reply')?.data.text ?? '';
    const tokens = asked.filter((e) => e.event === 'token').map((e) => e.data.text);
    expect(tokens.join('')).toBe(question); // the phrase streams too
    const code = /reply "confirm ([0-9a-f]{4})"/.exec(question)?.[1];
    expect(question).toContain('Approve mission "Web typed".');
    const yes = await turn(cookie, { key: key(), text: 'yes' });
    expect(yes.find((e) => e.event === 'reply')?.data.text).toContain(
      `That confirms nothing: a confirmation names what it confirms.\nApprove mission "Web typed".\nTap Confirm, or reply "confirm ${code}"`,
    );
    const row = () => env.DB.prepare('SELECT status FROM missions WHERE id = ?').bind(mission.id);
    expect(await row().first()).toEqual({ status: 'PROPOSED' });
    const named = await turn(cookie, { key: key(), text: `confirm ${code}` });
    expect(named.find((e) => e.event === 'reply')?.data.text).toContain(
      'Mission "Web typed" approved.',
    );
    expect(await row().first()).toEqual({ status: 'APPROVED' });
    await noModel();
  });

  it('runs the same slash commands as Telegram, with the same role rules', async () => {
    const viewer = await signInAs('viewer@test.hq');
    const status = await turn(viewer, { key: key(), text: '/status' });
    expect(status.find((e) => e.event === 'reply')?.data.text).toMatch(/^Agents: \d+/);
    const refused = await turn(viewer, { key: key(), text: '/pause' });
    expect(refused.find((e) => e.event === 'reply')?.data.text).toBe(
      '/pause needs the admin role; viewer@test.hq is viewer.',
    );
    const missions = await turn(viewer, { key: key(), text: '/missions' });
    expect(missions.find((e) => e.event === 'reply')?.data.text).toContain(
      'Waiting for your decision',
    );
  });

  it('refuses bad turns with a 400 naming the field, and strangers with 401', async () => {
    const cookie = await signInAs('viewer@test.hq');
    const cases: [Record<string, unknown>, string][] = [
      [{ key: key() }, 'text'],
      [{ key: key(), text: 'hi', action: 'confirm:x' }, 'action'],
      [{ key: 'short', text: 'hi' }, 'key'],
      [{ key: key(), text: 'x'.repeat(4001) }, 'text'],
      [{ key: key(), action: 'delete:everything' }, 'action'],
    ];
    for (const [body, field] of cases) {
      const response = await call('/api/chat', { method: 'POST', cookie, json: body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await errorOf(response)).fields?.map((f) => f.field)).toContain(field);
    }
    const anonymous = await call('/api/chat', { method: 'POST', json: { key: key(), text: 'hi' } });
    expect(anonymous.status).toBe(401);
  });
});
