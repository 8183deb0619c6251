import { agents } from '../../drizzle/schema';
import { columnsOf } from '../db/rows';
import type { Candidate } from './continuation';

/** A candidate as the claim reads it: the continuation's fields, its mission, its agent. */
export type CandidateRow = Candidate & {
  mission_id: string;
  mission_title: string;
  mission_brief: string;
} & Record<string, unknown>;

/** Agent columns in a candidate row carry this prefix (worker/db/rows.ts). */
export const AGENT = 'a.';

/** What a claim reads of each candidate (CandidateRow). */
const CANDIDATE_COLUMNS = `t.id, t.runs, t.mission_id, m.target_branch,
       m.repository, t.agent_id, t.head_commit, t.head_pushed,
       m.title AS mission_title, m.brief AS mission_brief, ${columnsOf(agents, 'a', AGENT)},
       t.runner_id AS holder_id, h.name AS holder_name, h.revoked_at AS holder_revoked_at,
       h.last_seen_at AS holder_seen_at,
       EXISTS (SELECT 1 FROM json_each(h.repositories) s
               WHERE json_extract(s.value, '$.name') = m.repository) AS holder_serves`;

/**
 * The oldest ASSIGNED tasks this runner can run, `limit` of them: its mission's repository is
 * one the runner serves, and its agent has no executor (the runner's own default runs it) or
 * one of the presets the runner declared. A task that continues an earlier round (it has a
 * head) goes to the runner that holds that head, unless the head was pushed or that runner is
 * gone (continuation.ts).
 *
 * The runner is `me`: the live runner whose token hashes to the first parameter, so a runner
 * revoked while its claim waits takes nothing (its token stops working at once), and what it
 * serves and runs is read with the candidates, not bound from an earlier query. The second
 * parameter: the time before which a holder counts as gone. Plain `?` placeholders, so the
 * query can sit inside another statement's condition (claim-ahead.ts), where `select` is just
 * `t.id` (the full select list cost it about 0.15 ms more a batch in the core path's bench).
 */
export const candidatesSql = (
  limit: number,
  select = CANDIDATE_COLUMNS,
  /** True: a third parameter, a JSON array of task ids left out (claim-ahead.ts). */
  excluding = false,
) => `SELECT ${select}
     FROM runners me
     JOIN tasks t ON t.status = 'ASSIGNED'
     JOIN missions m ON m.id = t.mission_id LEFT JOIN agents a ON a.id = t.agent_id
     LEFT JOIN runners h ON h.id = t.runner_id
     WHERE me.token_hash = ? AND me.revoked_at IS NULL
       AND m.repository IN (SELECT json_extract(s.value, '$.name') FROM json_each(me.repositories) s)
       AND (a.executor IS NULL OR json_extract(a.executor, '$.preset') IN
            (SELECT json_extract(p.value, '$.preset') FROM json_each(me.capabilities) p))
       AND (t.head_commit IS NULL OR t.head_pushed = 1 OR t.runner_id IS me.id OR h.id IS NULL
         OR h.revoked_at IS NOT NULL OR coalesce(h.last_seen_at, 0) < ?
         OR NOT EXISTS (SELECT 1 FROM json_each(h.repositories) s
                        WHERE json_extract(s.value, '$.name') = m.repository))
       ${excluding ? 'AND t.id NOT IN (SELECT value FROM json_each(?))' : ''}
     ORDER BY t.created_at, t.id LIMIT ${limit}`;
