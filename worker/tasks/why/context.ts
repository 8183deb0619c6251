// Everything the gates read, loaded once: one task's why and the whole stuck list cost the
// same handful of queries.
import { envEmails } from '../../env';
import type { SettingsValue } from '../../settings/schema';
import { readSettings } from '../../settings/store';
import {
  type AgentFacts,
  agentFacts,
  MISSION_SPEND_COLUMNS,
  MISSION_UNDER_BUDGET,
} from '../eligibility';

export interface TaskRow {
  id: string;
  title: string;
  status: string;
  mission_id: string;
  agent_id: string | null;
  agent_hint: string | null;
  role_hint: string | null;
  runner_id: string | null;
  head_commit: string | null;
  head_pushed: number;
  verdict: string | null;
  merge_runner_id: string | null;
  merge_lease_until: number | null;
  last_heartbeat_at: number | null;
  /** When it entered its current status (its last event into it, else its last update). */
  since: number;
}

export interface MissionRow {
  id: string;
  title: string;
  status: string;
  repository: string;
  budget_usd: number | null;
  budget_tokens: number | null;
  spent_usd: number;
  spent_tokens: number;
  under_budget: number;
}

export interface RunnerRow {
  id: string;
  name: string;
  last_seen_at: number | null;
  presets: string[];
  /** Repository name → whether the runner pushes to its remote. */
  repositories: Map<string, boolean>;
}

export interface WhyContext {
  now: number;
  settings: SettingsValue;
  agents: AgentFacts[];
  runners: RunnerRow[];
  missions: Map<string, MissionRow>;
  /** Who may review: operators and admins (grants in the app over the env lists). */
  reviewers: string[];
}

const OPEN = `t.status NOT IN ('DONE', 'FAILED', 'CANCELLED')`;

const TASK_SELECT = `SELECT t.id, t.title, t.status, t.mission_id, t.agent_id, t.agent_hint, t.role_hint,
  t.runner_id, t.head_commit, t.head_pushed, t.verdict, t.merge_runner_id, t.merge_lease_until,
  t.last_heartbeat_at,
  coalesce((SELECT max(e.created_at) FROM task_events e WHERE e.task_id = t.id AND e.to_status = t.status),
    t.updated_at) AS since
  FROM tasks t`;

/** One task by id, open or not; null when there is none. */
export async function loadTask(db: D1Database, id: string): Promise<TaskRow | null> {
  return db.prepare(`${TASK_SELECT} WHERE t.id = ?`).bind(id).first<TaskRow>();
}

/**
 * The open tasks, least recently moved first. Capped: the stuck list answers with at most a
 * hundred, and a backlog past this many is a finding of its own.
 */
export async function loadOpenTasks(db: D1Database, limit = 1_000): Promise<TaskRow[]> {
  const { results } = await db
    .prepare(`${TASK_SELECT} WHERE ${OPEN} ORDER BY t.updated_at, t.id LIMIT ?`)
    .bind(limit)
    .all<TaskRow>();
  return results;
}

function parseList<T>(text: string | null): T[] {
  try {
    const parsed = JSON.parse(text ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as T[]) : [];
  } catch {
    return [];
  }
}

/** Loads what the gates of `tasks` read. */
export async function loadContext(env: Env, tasks: TaskRow[], now: number): Promise<WhyContext> {
  const db = env.DB;
  const missionIds = [...new Set(tasks.map((t) => t.mission_id))];
  const [settings, agents, runnerRows, missionRows, grants] = await Promise.all([
    readSettings(env),
    agentFacts(db, now),
    db
      .prepare(
        'SELECT id, name, last_seen_at, capabilities, repositories FROM runners WHERE revoked_at IS NULL ORDER BY name',
      )
      .all<{
        id: string;
        name: string;
        last_seen_at: number | null;
        capabilities: string | null;
        repositories: string | null;
      }>(),
    db
      .prepare(
        `SELECT m.id, m.title, m.status, m.repository, m.budget_usd, m.budget_tokens,
           ${MISSION_SPEND_COLUMNS}, (${MISSION_UNDER_BUDGET}) AS under_budget
         FROM missions m WHERE m.id IN (SELECT value FROM json_each(?))`,
      )
      .bind(JSON.stringify(missionIds))
      .all<MissionRow>(),
    db.prepare('SELECT email, role FROM role_grants').all<{ email: string; role: string | null }>(),
  ]);
  const runners = runnerRows.results.map((r) => ({
    id: r.id,
    name: r.name,
    last_seen_at: r.last_seen_at,
    presets: parseList<{ preset: string }>(r.capabilities).map((c) => c.preset),
    repositories: new Map(
      parseList<{ name: string; pushes: boolean }>(r.repositories).map((s) => [s.name, s.pushes]),
    ),
  }));
  const granted = new Map(grants.results.map((g) => [g.email, g.role]));
  const reviewers = new Set(
    grants.results.filter((g) => g.role === 'operator' || g.role === 'admin').map((g) => g.email),
  );
  for (const email of [...envEmails(env, 'ADMIN_EMAILS'), ...envEmails(env, 'OPERATOR_EMAILS')])
    if (!granted.has(email)) reviewers.add(email);
  return {
    now,
    settings,
    agents,
    runners,
    missions: new Map(missionRows.results.map((m) => [m.id, m])),
    reviewers: [...reviewers].sort(),
  };
}

/** `2026-12-02 07:10 UTC`: a time in a fact. */
export const at = (ms: number) =>
  `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** `3h 5m`: an age in a fact. */
export function age(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 1) return `${Math.max(0, Math.floor(ms / 1000))}s`;
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}
