import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { AgentDO } from '../../../durable-objects/agent-do';
import { MAX_OPEN_STREAMS } from '../../../durable-objects/ceo/streams';
import type { CeoDO } from '../../../durable-objects/ceo-do';
import { MAX_SOCKETS, SOCKETS_FULL } from '../../../durable-objects/office/caps';
import type { OfficeDO } from '../../../durable-objects/office-do';
import { MAX_WAITING, Serial, SerialOverloaded } from '../../../durable-objects/serial';
import { createAgent, patch } from '../agents/support';
import { call, errorOf, ORIGIN, signInAs } from '../support/client';

// Each cap refuses with a clear answer instead of holding more in memory.

/** Fills `serial` with MAX_WAITING pieces of work that wait for the returned release. */
function fill(serial: Serial): () => void {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  for (let i = 0; i < MAX_WAITING; i++) serial.run(() => gate).catch(() => undefined);
  return release;
}

// The private parts a test reaches into, by name.
type Inside = { serial: Serial; streams: { open(key: string): ReadableStream } };

describe('a full queue of waiting work', () => {
  it('refuses the next piece as overloaded, and takes work again once it drained', async () => {
    const serial = new Serial('The test object');
    const release = fill(serial);
    expect(serial.waiting).toBe(MAX_WAITING);
    const refused = serial.run(async () => 'late');
    await expect(refused).rejects.toBeInstanceOf(SerialOverloaded);
    await expect(refused).rejects.toMatchObject({
      code: 'overloaded',
      message:
        'The test object is busy: 1,000 pieces of work are already waiting. Try again in a moment.',
    });
    // A coalesced call is refused too, and the refusal is not what later calls join.
    const once = serial.coalesced(async () => 'pass');
    await expect(once()).rejects.toBeInstanceOf(SerialOverloaded);
    release();
    await expect.poll(() => serial.waiting).toBe(0);
    expect(await once()).toBe('pass');
    expect(await serial.run(async () => 'again')).toBe('again');
  });

  it('answers an agent change 503 overloaded, with the reason', async () => {
    const { agent, admin } = await createAgent('mem-busy-agent');
    const stub = env.AGENT.get(env.AGENT.idFromName(agent.id));
    const release = await runInDurableObject(stub, (instance: AgentDO) =>
      fill((instance as unknown as Inside).serial),
    );
    const response = await patch('mem-busy-agent', admin, { model: 'x' });
    expect(response.status).toBe(503);
    expect(await errorOf(response)).toMatchObject({
      code: 'overloaded',
      message: expect.stringMatching(/^This agent is busy: 1,000 pieces of work/),
    });
    release();
    expect((await patch('mem-busy-agent', admin, { model: 'x' })).status).toBe(200);
  });
});

describe('open chat streams', () => {
  it(`refuses a web chat turn past ${MAX_OPEN_STREAMS} open ones, without queueing it`, async () => {
    const hq = env.CEO.getByName('ceo');
    await runInDurableObject(hq, (instance: CeoDO) => {
      const streams = (instance as unknown as Inside).streams;
      for (let i = 0; i < MAX_OPEN_STREAMS; i++) streams.open(`mem-held-${i}`);
    });
    expect((await hq.memoryFootprint()).openStreams).toBe(MAX_OPEN_STREAMS);
    const operator = await signInAs('operator@test.hq');
    const response = await call('/api/chat', {
      method: 'POST',
      cookie: operator,
      json: { key: 'mem-refused', text: '/help' },
    });
    expect(response.status).toBe(503);
    expect(await errorOf(response)).toMatchObject({
      code: 'overloaded',
      message: `The CEO is answering ${MAX_OPEN_STREAMS} chats at once: send this again in a moment.`,
    });
    expect((await hq.memoryFootprint()).queueDepth).toBe(0);
  });
});

describe('open office sockets', () => {
  it(`answers an upgrade 503 overloaded past ${MAX_SOCKETS} sockets`, async () => {
    const hub = env.OFFICE.getByName('office');
    // Accepted on the hub directly: two thousand sockets through the worker would be slow.
    await runInDurableObject(hub, (_instance: OfficeDO, state: DurableObjectState) => {
      for (let i = 0; i < MAX_SOCKETS; i++) state.acceptWebSocket(new WebSocketPair()[1]);
    });
    expect((await hub.memoryFootprint()).sockets).toBe(MAX_SOCKETS);
    const response = await call('/api/office/ws', {
      cookie: await signInAs('viewer@test.hq'),
      headers: { upgrade: 'websocket', origin: ORIGIN },
    });
    expect(response.status).toBe(503);
    expect(await errorOf(response)).toMatchObject({ code: 'overloaded', message: SOCKETS_FULL });
  });
});
