import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { missions, tasks } from '../../drizzle/schema';
import { database } from '../db/client';
import type { RunCaller } from '../env';
import { inlineCommentsForRun } from '../reviews/comments/rounds';
import { type Answer, answer } from './answer';

/** Notes one task may carry: an agent in a loop must not flood its timeline. */
export const MAX_NOTES_PER_TASK = 200;

/** The run's task and its mission, read fresh (the run is checked by the guard already). */
async function taskOf(env: Env, run: RunCaller) {
  const db = database(env);
  const task = await db.select().from(tasks).where(eq(tasks.id, run.taskId)).get();
  if (!task) throw new Error(`Task ${run.taskId} is gone.`);
  return task;
}

/** The tools about the agent's own work: its task, mission, review comments, progress notes. */
export function registerTaskTools(server: McpServer, env: Env, run: RunCaller) {
  server.registerTool(
    'get_task',
    {
      title: 'Your task',
      description:
        'The task this run works on: title, spec, the file globs it may change (expectedScope), status, branches, and the reviewer’s free-text comments of an earlier round.',
      annotations: { readOnlyHint: true },
    },
    async (): Promise<Answer> => {
      const task = await taskOf(env, run);
      return answer({
        id: task.id,
        missionId: task.missionId,
        title: task.title,
        spec: task.spec,
        expectedScope: task.expectedScope,
        status: task.status,
        run: task.runs,
        branch: task.branch,
        baseBranch: task.baseBranch,
        reviewComments: task.reviewComments,
        agent: run.agentSlug,
      });
    },
  );

  server.registerTool(
    'get_mission',
    {
      title: 'Your mission',
      description:
        'The mission your task belongs to: its brief, repository, target branch, status, and every task of it with its state.',
      annotations: { readOnlyHint: true },
    },
    async (): Promise<Answer> => {
      const task = await taskOf(env, run);
      const db = database(env);
      const mission = await db.select().from(missions).where(eq(missions.id, task.missionId)).get();
      if (!mission) throw new Error(`Mission ${task.missionId} is gone.`);
      const siblings = await db
        .select({ id: tasks.id, title: tasks.title, status: tasks.status })
        .from(tasks)
        .where(eq(tasks.missionId, mission.id))
        .orderBy(tasks.createdAt)
        .all();
      return answer({
        id: mission.id,
        title: mission.title,
        brief: mission.brief,
        repository: mission.repository,
        targetBranch: mission.targetBranch,
        status: mission.status,
        tasks: siblings.map((t) => ({ ...t, yours: t.id === task.id })),
      });
    },
  );

  server.registerTool(
    'get_review_comments',
    {
      title: 'Review comments for this run',
      description:
        'The inline review comments sent with this run (path, line range, side, the commented code, the comment, who wrote it), and the review’s free-text comment. Empty on a first round.',
      annotations: { readOnlyHint: true },
    },
    async (): Promise<Answer> => {
      const task = await taskOf(env, run);
      const inline = await inlineCommentsForRun(env.DB, run.taskId, run.run);
      return answer({ reviewComments: task.reviewComments, inlineComments: inline });
    },
  );

  server.registerTool(
    'report_progress',
    {
      title: 'Report progress',
      description:
        'A short note on where the work stands, shown on the task’s page (its timeline); optionally how far along it is, from 0 to 1. Use it at milestones, not for every step.',
      inputSchema: {
        note: z.string().trim().min(1).max(500).describe('One or two sentences.'),
        progress: z.number().min(0).max(1).optional().describe('How far along, 0 to 1.'),
      },
    },
    async ({ note, progress }): Promise<Answer> => {
      const actor = `agent:${run.agentSlug ?? 'runner-default'}`;
      const now = Date.now();
      // A note is a RUNNING → RUNNING event (as the reviewer agent's notes are REVIEW → REVIEW):
      // the timeline shows it, and the sweep does not count it as a move (worker/tasks/sweep.ts).
      // Written only while the run still holds the task, and under the cap.
      const [inserted] = await env.DB.batch([
        env.DB.prepare(
          `INSERT INTO task_events (task_id, actor, from_status, to_status, reason, created_at)
           SELECT ?1, ?2, 'RUNNING', 'RUNNING', ?3, ?4
           WHERE EXISTS (SELECT 1 FROM tasks WHERE id = ?1 AND status = 'RUNNING' AND runs = ?5)
             AND (SELECT count(*) FROM task_events WHERE task_id = ?1 AND from_status = 'RUNNING'
                  AND to_status = 'RUNNING') < ?6`,
        ).bind(run.taskId, actor, note, now, run.run, MAX_NOTES_PER_TASK),
        env.DB.prepare(
          `UPDATE tasks SET progress = coalesce(?, progress), updated_at = ?
           WHERE id = ? AND status = 'RUNNING' AND runs = ? AND changes() = 1`,
        ).bind(progress ?? null, now, run.taskId, run.run),
      ]);
      if (inserted?.meta.changes !== 1)
        throw new Error(
          `Not recorded: task ${run.taskId} already has ${MAX_NOTES_PER_TASK} notes, or its run ended.`,
        );
      return answer({ recorded: true, note, progress: progress ?? null });
    },
  );
}
