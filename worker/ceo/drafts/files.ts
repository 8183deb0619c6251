import { newestSnapshot } from '../../runners/snapshots';
import { filesLike } from './scopes';

/** How many paths one answer of list_repository_files shows the model. */
const SHOWN = 300;

/**
 * The list_repository_files tool: a repository's tracked files as a runner last reported
 * them (as GET /api/repositories/{name}/files), narrowed by a glob or substring.
 */
export async function repositoryFilesText(
  env: Env,
  args: Record<string, unknown>,
): Promise<string> {
  const repository = typeof args.repository === 'string' ? args.repository.trim() : '';
  if (!repository) return 'Say which repository (its name, like acme/app).';
  const snapshot = await newestSnapshot(env, repository);
  if (!snapshot)
    return `No runner has reported the files of ${repository} yet (runners report at start and every 10 minutes).`;
  const pattern = typeof args.pattern === 'string' ? args.pattern : '';
  const { shown, total } = filesLike(snapshot.files, pattern, SHOWN);
  const cut =
    snapshot.fileCount > snapshot.files.length
      ? ` The runner sent the first ${snapshot.files.length} of ${snapshot.fileCount} files.`
      : '';
  const more = total > shown.length ? ` (first ${shown.length}; narrow with pattern)` : '';
  return [
    `${repository} at ${snapshot.branch} ${snapshot.headCommit.slice(0, 10)}, reported ${snapshot.reportedAt}.${cut}`,
    `${total} path(s)${pattern ? ` matching "${pattern}"` : ''}${more}:`,
    ...shown,
  ].join('\n');
}
