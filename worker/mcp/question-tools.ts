import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { agentQuestions } from '../../drizzle/schema';
import { auditRow } from '../audit/record';
import { database } from '../db/client';
import type { RunCaller } from '../env';
import { agentAskedInsert } from '../events/outbox';
import { type Answer, answer } from './answer';

/** Unanswered questions one task may have at once: the operator is a person, not a queue. */
export const MAX_OPEN_QUESTIONS = 3;

/** The tools for asking the operator and reading the answer. */
export function registerQuestionTools(
  server: McpServer,
  env: Env,
  run: RunCaller,
  requestId: string,
) {
  server.registerTool(
    'ask_operator',
    {
      title: 'Ask the operator',
      description:
        'Ask the human operator a question you cannot settle from the code, the task or the mission. It reaches them at once (Telegram, the web app); they answer when they can. Returns the question id: call get_answer with it later, and carry on with what you can meanwhile.',
      inputSchema: {
        question: z
          .string()
          .trim()
          .min(1)
          .max(2000)
          .describe('Self-contained: the operator reads it without your context.'),
      },
    },
    async ({ question }): Promise<Answer> => {
      const open = await env.DB.prepare(
        'SELECT count(*) AS n FROM agent_questions WHERE task_id = ? AND answer IS NULL',
      )
        .bind(run.taskId)
        .first<number>('n');
      if ((open ?? 0) >= MAX_OPEN_QUESTIONS)
        throw new Error(
          `Task ${run.taskId} already has ${open} unanswered questions; wait for an answer (get_answer) before asking more.`,
        );
      const db = database(env);
      const now = Date.now();
      const id = crypto.randomUUID();
      const agentSlug = run.agentSlug ?? 'runner-default';
      await db.batch([
        db.insert(agentQuestions).values({
          id,
          taskId: run.taskId,
          agentSlug,
          run: run.run,
          question,
          askedAt: now,
        }),
        agentAskedInsert(db, { questionId: id, taskId: run.taskId, agentSlug, question }, now),
        auditRow(db, {
          actor: `agent:${agentSlug}`,
          action: 'agent_question.ask',
          entityType: 'agent_question',
          entityId: id,
          requestId,
          summary: { taskId: run.taskId, run: run.run },
        }),
      ]);
      return answer({
        questionId: id,
        status: 'asked',
        next: 'Call get_answer with this questionId to read the answer; it may take a while.',
      });
    },
  );

  server.registerTool(
    'get_answer',
    {
      title: 'Read the operator’s answer',
      description:
        'The operator’s answer to a question you asked with ask_operator, or "not answered yet".',
      inputSchema: { questionId: z.string().trim().min(1).max(100) },
      annotations: { readOnlyHint: true },
    },
    async ({ questionId }): Promise<Answer> => {
      const row = await env.DB.prepare(
        `SELECT question, answer, answered_by AS answeredBy, answered_at AS answeredAt
         FROM agent_questions WHERE id = ? AND task_id = ?`,
      )
        .bind(questionId, run.taskId)
        .first<{
          question: string;
          answer: string | null;
          answeredBy: string | null;
          answeredAt: number | null;
        }>();
      if (!row) throw new Error(`No question ${questionId} of task ${run.taskId}.`);
      if (row.answer === null)
        return answer({ questionId, status: 'waiting', text: 'Not answered yet.' });
      return answer({
        questionId,
        status: 'answered',
        question: row.question,
        answer: row.answer,
        answeredBy: row.answeredBy,
        answeredAt: new Date(row.answeredAt ?? 0).toISOString(),
      });
    },
  );
}
