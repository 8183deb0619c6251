import type { Outgoing } from './deliver';

interface Member {
  eventType: string;
  entityId?: string | null;
}

/** What `openDecisionReads` answers: its statements, and the decisions from their results. */
export interface OpenDecisionReads {
  statements: D1PreparedStatement[];
  from(results: D1Result[]): Pick<Outgoing, 'missions' | 'reviews' | 'questions'>;
}

/**
 * The decisions a notification (or a digest, through its members) asks for that still wait:
 * proposed missions (Approve / Reject) and tasks waiting for review (Approve / Request
 * changes); the message carries their buttons and is edited once each is decided. One already
 * decided by the time the message goes out gets neither: a button on it would decide nothing.
 *
 * As statements for the caller's own batch (the send's claim, send.ts), so they cost no round
 * trip of their own; no statements when nothing asks for a decision.
 */
export function openDecisionReads(db: D1Database, members: Member[]): OpenDecisionReads {
  const ids = (type: string) =>
    [
      ...new Set(members.filter((m) => m.eventType === type && m.entityId).map((m) => m.entityId)),
    ] as string[];
  const missionIds = ids('mission.proposed');
  const taskIds = ids('task.review');
  // An agent's question waits for an answer typed as a reply: no buttons, but the message is kept.
  const questionIds = ids('agent.question');
  if (!missionIds.length && !taskIds.length && !questionIds.length)
    return { statements: [], from: () => ({}) };
  const list = (values: string[]) => JSON.stringify(values);
  return {
    statements: [
      // `+status`, `+verdict`: looked up by id. Left to itself SQLite walked the status index
      // instead, every task in review (2,500 rows, about 2 ms a pass, on the bench's HQ).
      db
        .prepare(
          `SELECT id, title, revision FROM missions WHERE id IN (SELECT value FROM json_each(?)) AND +status = 'PROPOSED'
           ORDER BY created_at`,
        )
        .bind(list(missionIds)),
      db
        .prepare(
          `SELECT id, title FROM tasks WHERE id IN (SELECT value FROM json_each(?)) AND +status = 'REVIEW'
           AND +verdict IS NULL`,
        )
        .bind(list(taskIds)),
      db
        .prepare(
          `SELECT id, question AS title FROM agent_questions
           WHERE id IN (SELECT value FROM json_each(?)) AND answer IS NULL`,
        )
        .bind(list(questionIds)),
    ],
    from: ([missions, tasks, questions]) => {
      type Open = { id: string; title: string; revision?: number };
      const rows = (result: D1Result | undefined) => (result?.results ?? []) as Open[];
      return {
        missions: rows(missions),
        reviews: rows(tasks),
        ...(rows(questions).length ? { questions: rows(questions) } : {}),
      };
    },
  };
}
