import { codeAround, type ParsedPatch } from '../../patches/parse';

// TODO(lead, issue 18 merge): H2's `commentStatements` in worker/reviews/comments/store.ts is
// the one way to store comments; once merged, report.ts calls it instead of this file, and
// this file goes. Kept minimal: same table, same `context`, same refusal of lines the patch
// does not show.

export interface AgentComment {
  path: string;
  line: number;
  endLine?: number | undefined;
  side?: 'new' | 'old' | undefined;
  body: string;
}

/** The inserts of the reviewer agent's comments, and those refused with why. */
export function reviewerCommentStatements(
  db: D1Database,
  taskId: string,
  headCommit: string,
  parsed: ParsedPatch,
  comments: AgentComment[],
  author: string,
  reviewJobId: string,
  now: number,
): { statements: D1PreparedStatement[]; refused: { comment: AgentComment; reason: string }[] } {
  const statements: D1PreparedStatement[] = [];
  const refused: { comment: AgentComment; reason: string }[] = [];
  for (const comment of comments) {
    const side = comment.side ?? 'new';
    const endLine = comment.endLine ?? comment.line;
    const context =
      endLine >= comment.line
        ? codeAround(parsed, comment.path, side, comment.line, endLine)
        : null;
    if (context === null) {
      refused.push({
        comment,
        reason: `${comment.path}:${comment.line}${endLine !== comment.line ? `-${endLine}` : ''} (${side}) is not a line the patch shows`,
      });
      continue;
    }
    statements.push(
      db
        .prepare(
          `INSERT INTO review_comments (id, task_id, head_commit, path, line, end_line, side, body,
             context, author, review_job_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(
          crypto.randomUUID(),
          taskId,
          headCommit,
          comment.path,
          comment.line,
          endLine,
          side,
          comment.body,
          context,
          author,
          reviewJobId,
          now,
        ),
    );
  }
  return { statements, refused };
}
