// `/why [task id]` on Telegram and in the web chat: one task's gates, or the stalest stuck
// task's when no id is given.
import { stuckTasks, whyOf } from './explain';
import { whyText } from './text';

/** A task by id or by a unique prefix of at least 4 characters (as /approve finds missions), or why not. */
async function findTask(env: Env, idOrPrefix: string): Promise<string | { id: string }> {
  if (idOrPrefix.length < 4) return 'Give at least the first 4 characters of the task id.';
  const { results } = await env.DB.prepare(
    `SELECT id FROM tasks WHERE id = ?1 OR id LIKE ?2 ESCAPE '\\' ORDER BY id = ?1 DESC LIMIT 2`,
  )
    .bind(idOrPrefix, `${idOrPrefix.replace(/[\\%_]/g, '\\$&')}%`)
    .all<{ id: string }>();
  const [first, second] = results;
  if (!first) return `No task starts with ${idOrPrefix}.`;
  if (second && first.id !== idOrPrefix)
    return `More than one task starts with ${idOrPrefix}: give more of the id.`;
  return first;
}

export async function answerWhy(env: Env, idOrPrefix: string | null, now: number): Promise<string> {
  if (idOrPrefix) {
    const found = await findTask(env, idOrPrefix);
    if (typeof found === 'string') return found;
    const why = await whyOf(env, found.id, now);
    return why ? whyText(why) : `No task ${idOrPrefix}.`;
  }
  const stuck = await stuckTasks(env, now);
  const [stalest] = stuck;
  if (!stalest) return 'No task is stuck: every open task is moving or waits on people or a merge.';
  const others =
    stuck.length > 1
      ? `\n${stuck.length - 1} more stuck task(s): /why <task id> for each, or the board.`
      : '';
  return `The stalest stuck task:\n${whyText(stalest)}${others}`;
}
