import { onDuty } from '../clock/cron';
import type { SettingsValue } from '../settings/schema';
import { readSettings } from '../settings/store';
import type { OfficeAgent, Presence, SleepReason } from './protocol';

interface Row {
  id: string;
  slug: string;
  name: string;
  role: string;
  type: string;
  model: string;
  schedule: string | null;
  workerEnabled: number;
  cooldownUntil: number | null;
  taskId: string | null;
  taskTitle: string | null;
  phase: string | null;
  progress: number | null;
  lastLine: string | null;
  lastHeartbeatAt: number | null;
  spend: number | null;
}

// One query for every agent on the roster: its running task (the newest, if several) and what
// it spent this calendar month (UTC).
const SELECT = `
SELECT a.id, a.slug, a.name, a.role, a.type, a.model, a.schedule,
       a.worker_enabled AS workerEnabled, a.cooldown_until AS cooldownUntil,
       t.id AS taskId, t.title AS taskTitle, t.phase, t.progress, t.last_line AS lastLine,
       t.last_heartbeat_at AS lastHeartbeatAt,
       (SELECT SUM(s.cost_usd) FROM spend_ledger s WHERE s.agent_id = a.id AND s.created_at >= ?1) AS spend
  FROM agents a
  LEFT JOIN tasks t ON t.id = (
    SELECT r.id FROM tasks r WHERE r.agent_id = a.id AND r.status = 'RUNNING'
     ORDER BY r.updated_at DESC LIMIT 1)
 WHERE a.archived_at IS NULL`;

/** The office view of every agent on the roster, oldest first. */
export async function officeAgents(env: Env, now: number): Promise<OfficeAgent[]> {
  const settings = await readSettings(env);
  const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
  const { results } = await env.DB.prepare(`${SELECT} ORDER BY a.created_at, a.id`)
    .bind(monthStart)
    .all<Row>();
  return results.map((row) => toOfficeAgent(row, settings, now));
}

/** The ids of the agents on the roster, oldest first (who has a desk), without their state. */
export async function rosterIds(env: Env): Promise<string[]> {
  const { results } = await env.DB.prepare(
    'SELECT id FROM agents WHERE archived_at IS NULL ORDER BY created_at, id',
  ).all<{ id: string }>();
  return results.map((row) => row.id);
}

function toOfficeAgent(row: Row, settings: SettingsValue, now: number): OfficeAgent {
  const sleepReason = whySleeping(row, settings, now);
  // A running task wins: a robot with work in hand works, whatever its switch says now.
  const presence: Presence = row.taskId ? 'working' : sleepReason ? 'sleeping' : 'idle';
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    role: row.role,
    type: row.type,
    model: row.model,
    presence,
    sleepReason: presence === 'sleeping' ? sleepReason : null,
    task: row.taskId
      ? {
          id: row.taskId,
          title: row.taskTitle ?? '',
          phase: row.phase,
          progress: row.progress,
          lastLine: row.lastLine,
        }
      : null,
    lastHeartbeatAt: iso(row.lastHeartbeatAt),
    spendThisMonthUsd: Math.round((row.spend ?? 0) * 10_000) / 10_000,
    cooldownUntil: row.cooldownUntil && row.cooldownUntil > now ? iso(row.cooldownUntil) : null,
  };
}

function whySleeping(row: Row, settings: SettingsValue, now: number): SleepReason | null {
  if (!settings.workerSwitch) return 'workers switched off';
  if (!row.workerEnabled) return 'worker disabled';
  if (!onDuty(row.schedule, now, settings.briefing.timeZone)) return 'off schedule';
  return null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
