import type { Task } from './types';

/** The first ten characters of a commit: enough to find it, short enough to read. */
export const shortSha = (sha: string) => sha.slice(0, 10);

/** A commit, short, with the full hash in its title (hover) to copy or compare. */
export function Commit({ sha, testId }: { sha: string; testId?: string }) {
  return (
    <code class="mono" title={sha} data-testid={testId}>
      {shortSha(sha)}
    </code>
  );
}

const FLAG_LABELS: Record<Task['diffFlags'][number]['flag'], string> = {
  symlink: 'symlink',
  submodule: 'submodule',
  mode: 'mode change',
};

/** The badges of one path: what its line counts do not show (details on hover). */
export function DiffFlagBadges({ flags }: { flags: Task['diffFlags'] }) {
  return (
    <>
      {flags.map((f) => (
        <span key={f.flag} class="flag" title={f.detail} data-testid={`diff-flag-${f.flag}`}>
          {FLAG_LABELS[f.flag]}
        </span>
      ))}
    </>
  );
}
