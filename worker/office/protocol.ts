// The office's wire format: what OfficeDO sends over its WebSocket and what the web client
// reads. Plain data, shared by the worker and the web app so the two cannot drift apart.
import type { Layout } from './layout';

/** What an agent is really doing, as far as HQ knows: the robot's behaviour follows it. */
export type Presence = 'working' | 'idle' | 'sleeping';

/** Why a sleeping robot sleeps (for its card). */
export type SleepReason = 'worker disabled' | 'workers switched off' | 'off schedule';

/** One agent as the office shows it: the robot's state and its card. */
export interface OfficeAgent {
  id: string;
  slug: string;
  name: string;
  role: string;
  type: string;
  model: string;
  presence: Presence;
  sleepReason: SleepReason | null;
  /** The running task, with the last meaningful line of its output (from heartbeats). */
  task: {
    id: string;
    title: string;
    phase: string | null;
    progress: number | null;
    lastLine: string | null;
  } | null;
  lastHeartbeatAt: string | null;
  spendThisMonthUsd: number;
  cooldownUntil: string | null;
}

/** A task changed state (every `task.moved` of the work loop), for live boards. */
export interface TaskMove {
  id: string;
  from: string | null;
  to: string;
  actor: string;
  at: string;
}

/** Server to client. `seq` grows with every message a hub sends, so a client can spot a gap. */
export type OfficeServerMessage =
  | { type: 'snapshot'; seq: number; agents: OfficeAgent[]; layout: Layout; sentAt: number }
  | { type: 'agent'; seq: number; agent: OfficeAgent; sentAt: number }
  | { type: 'agent.removed'; seq: number; agentId: string; sentAt: number }
  | { type: 'task'; seq: number; task: TaskMove; sentAt: number }
  | { type: 'layout'; seq: number; layout: Layout; actor: string; sentAt: number }
  | {
      type: 'error';
      seq: number;
      code: 'rate_limited';
      message: string;
      /** When a resync would be answered again. */
      retryAfterMs: number;
      sentAt: number;
    }
  | { type: 'pong' };

/** The keep-alive ping, byte for byte: the hub answers it without waking (auto-response). */
export const PING = '{"type":"ping"}';
export const PONG = '{"type":"pong"}';

/** Client to server: a keep-alive ping, or a request for a fresh snapshot after a gap. */
export type OfficeClientMessage = { type: 'ping' } | { type: 'resync' };
