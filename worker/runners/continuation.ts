import { RUNNER_GONE_MS } from '../tasks/runner-waits';

// A task sent back after a run (review asked for changes, or its merge conflicted) continues
// from the head its last run recorded. That head lives in the repository of the runner that
// ran it, so only that runner can continue it; any serving runner can once the head was
// pushed to the remote, or once that runner is gone (revoked, silent for ten minutes, or no
// longer serving the repository): then the work restarts from the base, and the claim's
// event says so, for the reviewer who will see a fresh diff.

/** An ASSIGNED task a runner may claim, with what the continuation rule needs. */
export interface Candidate {
  id: string;
  runs: number;
  target_branch: string;
  repository: string;
  agent_id: string | null;
  head_commit: string | null;
  head_pushed: number;
  holder_id: string | null;
  holder_name: string | null;
  holder_revoked_at: number | null;
  holder_seen_at: number | null;
  holder_serves: number;
}

export const shortCommit = (commit: string) => commit.slice(0, 10);

/** Why the runner that holds the head cannot continue the task. */
function holderGone(c: Candidate, now: number): string {
  if (!c.holder_id || !c.holder_name) return 'the runner that ran it is unknown';
  const who = `runner ${c.holder_name}`;
  if (c.holder_revoked_at !== null) return `${who} was revoked`;
  if ((c.holder_seen_at ?? 0) < now - RUNNER_GONE_MS)
    return `${who} has not been seen for ${RUNNER_GONE_MS / 60_000} minutes`;
  return `${who} no longer serves ${c.repository}`;
}

/** The claim's event reason: a first run, a continuation, or a restart from the base. */
export function claimReason(c: Candidate, runnerId: string, now: number): string {
  if (!c.head_commit) return 'claimed';
  const head = shortCommit(c.head_commit);
  if (c.holder_id === runnerId) return `claimed: continues from its head ${head}`;
  if (c.head_pushed) return `claimed: continues from ${head}, pushed as hq/${c.id}`;
  return `claimed: ${holderGone(c, now)} and its head ${head} was not pushed, so the work restarts from ${c.target_branch}`;
}
