import type { Outgoing } from './deliver';

interface Member {
  eventType: string;
  entityId?: string | null;
}

/**
 * The decisions a notification (or a digest, through its members) asks for that still wait:
 * proposed missions (Approve / Reject) and tasks waiting for review (Approve / Request
 * changes); the message carries their buttons and is edited once each is decided. One already
 * decided by the time the message goes out gets neither: a button on it would decide nothing.
 */
export async function openDecisions(
  env: Env,
  members: Member[],
): Promise<Pick<Outgoing, 'missions' | 'reviews' | 'questions'>> {
  const ids = (type: string) =>
    [
      ...new Set(members.filter((m) => m.eventType === type && m.entityId).map((m) => m.entityId)),
    ] as string[];
  const missionIds = ids('mission.proposed');
  const taskIds = ids('task.review');
  // An agent's question waits for an answer typed as a reply: no buttons, but the message is kept.
  const questionIds = ids('agent.question');
  if (!missionIds.length && !taskIds.length && !questionIds.length) return {};
  const list = (values: string[]) => JSON.stringify(values);
  const [missions, tasks, questions] = await env.DB.batch<{
    id: string;
    title: string;
    revision?: number;
  }>([
    // `+status`, `+verdict`: looked up by id. Left to itself SQLite walked the status index
    // instead, every task in review (2,500 rows, about 2 ms a pass, on the bench's HQ).
    env.DB.prepare(
      `SELECT id, title, revision FROM missions WHERE id IN (SELECT value FROM json_each(?)) AND +status = 'PROPOSED'
       ORDER BY created_at`,
    ).bind(list(missionIds)),
    env.DB.prepare(
      `SELECT id, title FROM tasks WHERE id IN (SELECT value FROM json_each(?)) AND +status = 'REVIEW'
       AND +verdict IS NULL`,
    ).bind(list(taskIds)),
    env.DB.prepare(
      `SELECT id, question AS title FROM agent_questions
       WHERE id IN (SELECT value FROM json_each(?)) AND answer IS NULL`,
    ).bind(list(questionIds)),
  ]);
  return {
    missions: missions?.results ?? [],
    reviews: tasks?.results ?? [],
    ...(questions?.results.length ? { questions: questions.results } : {}),
  };
}
