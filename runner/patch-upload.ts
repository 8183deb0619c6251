import type { HqClient } from './api';
import { runPatch } from './git/patch';

// The run's patch goes to HQ before the report, so a reviewer reads the code and not only
// the line counts. It is a convenience beside the report, never a condition of it: a patch
// git cannot make or HQ does not take is said in the run log and the report goes anyway.

export interface PatchRun {
  client: HqClient;
  taskId: string;
  /** The runner's repository, where the recorded head and the base branch live. */
  repo: string;
  base: string;
  head: string;
  /** The run log's masking: the patch may hold what the agent wrote of a secret. */
  mask: (text: string) => string;
}

/**
 * Makes, masks, cuts and uploads the patch. Null when it went; otherwise the line the run log
 * gets (only then: the log is the agent's output, and a patch sent as planned adds nothing).
 */
export async function sendPatch(run: PatchRun): Promise<string | null> {
  try {
    const patch = await runPatch(run.repo, run.base, run.head, run.mask);
    await run.client.uploadPatch(run.taskId, run.head, patch);
    return null;
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    return `runner: the patch could not be uploaded (${run.mask(message ?? '')}); reporting without it\n`;
  }
}
