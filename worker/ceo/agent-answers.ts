// An agent's question (asked mid-run through HQ's MCP server, worker/mcp/) and its answer. The
// CEO sends the question (agent.question, IMMEDIATE); the operator answers from either face:
// in Telegram by replying to that message, anywhere with `/answer <id> <text>`. The agent
// reads the answer back with the MCP tool get_answer.

export interface AgentQuestion {
  id: string;
  taskId: string;
  agentSlug: string;
  question: string;
  answer: string | null;
  answeredBy: string | null;
  answeredAt: number | null;
}

const SELECT = `SELECT id, task_id AS taskId, agent_slug AS agentSlug, question, answer,
  answered_by AS answeredBy, answered_at AS answeredAt FROM agent_questions`;

/** The question whose id is `id` or starts with it (8+ characters); null when none or several. */
export async function findQuestion(env: Env, id: string): Promise<AgentQuestion | null> {
  const exact = await env.DB.prepare(`${SELECT} WHERE id = ?`).bind(id).first<AgentQuestion>();
  if (exact || id.length < 8) return exact;
  const { results } = await env.DB.prepare(`${SELECT} WHERE id LIKE ? || '%' LIMIT 2`)
    .bind(id.replace(/[%_]/g, ''))
    .all<AgentQuestion>();
  return results.length === 1 ? (results[0] ?? null) : null;
}

export type AnswerOutcome =
  | { outcome: 'answered'; question: AgentQuestion }
  | { outcome: 'already'; question: AgentQuestion };

/**
 * Stores the answer once: the first answer wins (a double send, or two operators at once,
 * leaves the first), audited with who gave it. The run may be over by then: the answer is
 * kept on the question all the same.
 */
export async function answerQuestion(
  env: Env,
  question: AgentQuestion,
  answer: string,
  by: { email: string; requestId: string },
  now: number,
): Promise<AnswerOutcome> {
  // The audit row lands only with the answer it records (changes() of the update before it).
  const [update] = await env.DB.batch([
    env.DB.prepare(
      'UPDATE agent_questions SET answer = ?, answered_by = ?, answered_at = ? WHERE id = ? AND answer IS NULL',
    ).bind(answer, by.email, now, question.id),
    env.DB.prepare(
      `INSERT INTO audit_log (actor, action, entity_type, entity_id, request_id, summary, created_at)
       SELECT ?, 'agent_question.answer', 'agent_question', ?, ?, ?, ? WHERE changes() = 1`,
    ).bind(
      by.email,
      question.id,
      by.requestId,
      JSON.stringify({ taskId: question.taskId, agent: question.agentSlug }),
      now,
    ),
  ]);
  if (update?.meta.changes !== 1) {
    const stored = (await findQuestion(env, question.id)) ?? question;
    return { outcome: 'already', question: stored };
  }
  return {
    outcome: 'answered',
    question: { ...question, answer, answeredBy: by.email, answeredAt: now },
  };
}

/** The reply to the operator who answered, the same on each face. */
export function answerText(result: AnswerOutcome): string {
  const q = result.question;
  if (result.outcome === 'already')
    return `That question was already answered by ${q.answeredBy}: "${q.answer}"`;
  return `Sent to ${q.agentSlug}: it reads your answer with get_answer.`;
}
