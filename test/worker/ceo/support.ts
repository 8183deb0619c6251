import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { expect, inject, vi } from 'vitest';
import { recordInbound } from '../../../worker/ceo/conversations';
import { readSettings } from '../../../worker/settings/store';
import type { Reply } from '../../support/provided-context';
import { call, signInAs } from '../support/client';

/** The company's CEO Durable Object, as the worker reaches it. */
export const ceo = () => env.CEO.getByName('ceo');

/** Scripts the local OpenAI-compatible server's next answers for one model name. */
export async function script(model: string, replies: Reply[]): Promise<void> {
  const response = await fetch(`${inject('models').root}/__script`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, replies }),
  });
  expect(response.status).toBe(200);
}

/** Every request the local model server received for one model name. */
export async function modelRequests(model: string) {
  const response = await fetch(
    `${inject('models').root}/__requests?model=${encodeURIComponent(model)}`,
  );
  return (await response.json()) as {
    path: string;
    model: string;
    body: Record<string, unknown>;
    at: number;
  }[];
}

/** Changes settings through the admin API (the real path, audited). */
export async function patchSettings(patch: Record<string, unknown>): Promise<void> {
  const admin = await signInAs('admin@test.hq');
  const response = await call('/api/settings', { method: 'PATCH', cookie: admin, json: patch });
  expect(response.status, await response.clone().text()).toBe(200);
}

/** Points the CEO at the local model server, with the given model names. */
export async function useModels(models: { voice?: string; chat?: string }, ceoSettings = {}) {
  await patchSettings({
    modelEndpoint: { baseUrl: inject('models').baseUrl },
    defaultModels: {
      chat: models.chat ?? 'chat-default',
      voice: models.voice ?? 'voice-default',
      vision: 'vision-default',
      transcription: 'whisper-default',
      executor: 'executor-default',
    },
    ceo: {
      voiceDailyBudgetUsd: 0.5,
      voiceTimeoutMs: 8_000,
      immediateDedupMinutes: 30,
      findingRepeatHours: 6,
      memoryIdleMinutes: 30,
      ...ceoSettings,
    },
  });
}

export async function noModel(): Promise<void> {
  await patchSettings({ modelEndpoint: { baseUrl: null } });
}

export interface NotificationView {
  id: string;
  eventType: string;
  entityType: string | null;
  entityId: string | null;
  tier: string;
  status: string;
  reason: string | null;
  explanation: string | null;
  text: string;
  rawText: string | null;
  voice: string | null;
  digestId: string | null;
  fingerprint: string | null;
  proactive: boolean;
  lowSignal: boolean;
  channel: string | null;
  details: Record<string, unknown> | null;
  createdAt: string;
  sentAt: string | null;
  reviewOpen: boolean;
}

/** Notifications through the API, newest first. */
export async function listNotifications(query = ''): Promise<NotificationView[]> {
  const viewer = await signInAs('viewer@test.hq');
  const response = await call(`/api/notifications?limit=200&${query}`, { cookie: viewer });
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { items: NotificationView[] }).items;
}

/**
 * Inserts a domain event as the work loop's outbox would (for event kinds that are slow to
 * cause through the API) and returns the notification id the CEO will give it.
 */
export async function emit(type: string, entityType: string, entityId: string, payload: object) {
  const result = await env.DB.prepare(
    'INSERT INTO domain_events (type, entity_type, entity_id, payload, created_at) VALUES (?, ?, ?, ?, ?)',
  )
    .bind(type, entityType, entityId, JSON.stringify({ type, ...payload }), Date.now())
    .run();
  return `event-${result.meta.last_row_id}`;
}

/** An agent revision event about a made-up agent: a low-signal DIGEST event by default. */
export const emitRevision = (agentId: string, revision = 1) =>
  emit('agent.revised', 'agent', agentId, {
    agentId,
    slug: agentId,
    revision,
    fields: ['model'],
    actor: 'admin@test.hq',
  });

/**
 * Fakes the clock (Date only; timers stay real) from `start`. Durable Objects run in the
 * tests' isolate, so the CEO sees the same time. Tests move it forward, never back: rows
 * written at a later time would otherwise look like the future.
 */
export function fakeClock(start: string) {
  let now = Date.parse(start);
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now);
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
      vi.setSystemTime(now);
      return now;
    },
  };
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** When the CEO's alarm will next fire. */
export const ceoAlarm = () =>
  runInDurableObject(ceo(), (_instance, state: DurableObjectState) => state.storage.getAlarm());

/** Notifications about one entity (oldest first). */
export async function about(entityId: string) {
  return (await listNotifications()).filter((n) => n.entityId === entityId).reverse();
}

let nextMessage = 0;

/**
 * An operator's web message, recorded in their conversation at the (fake) time now, as the
 * chat and Telegram paths record it, without an answer (the tests that use it are about the
 * activity and the memory, not the reply).
 */
export async function operatorSays(text: string, userEmail = 'operator@test.hq') {
  const key = `says-${Date.now()}-${++nextMessage}`;
  const message = { key, channel: 'web' as const, userEmail, text, at: Date.now() };
  await recordInbound(env, await readSettings(env), message);
  return key;
}

/** A task move as the work loop's outbox writes it (task ids may be made up). */
export const emitTaskMove = (taskId: string, to: string, from = 'RUNNING') =>
  emit('task.moved', 'task', taskId, { taskId, from, to, actor: 'x', reason: null });

/** The ops thresholds in force by default; tests replace some of them. */
export const DEFAULT_THRESHOLDS = {
  dispatchDriftMinutes: 30,
  workerLagMinutes: 10,
  budgetHeadroomPercent: 15,
  reviewQueueDepth: 5,
  agentCooldowns: 1,
  worktreeCongestion: 8,
  failureRatePercent: 30,
  stalenessHours: 40,
  stuckTaskMinutes: 30,
};

export const setThresholds = (thresholds: Partial<typeof DEFAULT_THRESHOLDS>) =>
  patchSettings({ thresholds: { ...DEFAULT_THRESHOLDS, ...thresholds } });

/** The CEO's settings block with some values replaced. */
export const setCeo = (values: Record<string, number>) =>
  patchSettings({
    ceo: {
      voiceDailyBudgetUsd: 0.5,
      voiceTimeoutMs: 8_000,
      immediateDedupMinutes: 30,
      findingRepeatHours: 6,
      memoryIdleMinutes: 30,
      ...values,
    },
  });

export interface ScanView {
  id: string;
  sent: boolean;
  reason: string | null;
  findings: {
    trigger: string;
    subject: string;
    text: string;
    status: string;
    reason: string | null;
  }[];
}

/** The on-demand ops scan, through the API as the operator. */
export async function scanNow(): Promise<ScanView> {
  const operator = await signInAs('operator@test.hq');
  const response = await call('/api/ceo/scan', { method: 'POST', cookie: operator });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as ScanView;
}

/** Every notification matching `query`, following the pages, newest first. */
export async function allNotifications(query = ''): Promise<NotificationView[]> {
  const viewer = await signInAs('viewer@test.hq');
  const items: NotificationView[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const page = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const response = await call(`/api/notifications?limit=200&${query}${page}`, { cookie: viewer });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as {
      items: NotificationView[];
      nextCursor: string | null;
    };
    items.push(...body.items);
    cursor = body.nextCursor;
  }
  return items;
}

/** One notification by id, through the API. */
export async function notification(id: string): Promise<NotificationView | undefined> {
  return (await allNotifications()).find((n) => n.id === id);
}
