// Where a run's patch lives: the RUN_LOGS R2 bucket (local R2 under `wrangler dev` and in
// tests), beside the run logs under its own prefix, one object per task and head commit:
// `patches/<taskId>/<headCommit>.diff`. Keyed by head rather than by run, because a review
// comment belongs to the code it was written on, and an earlier round's patch stays readable
// by its head. A runner that uploads again for the same head (a retry) overwrites it with
// the same text.

/**
 * The most a patch upload may hold, in UTF-8 bytes: under the app's 1 MiB body limit
 * (worker/app.ts) so the upload needs no exception to it. The runner cuts a longer patch
 * to this and says so in the patch itself.
 */
export const MAX_PATCH_BYTES = 1000 * 1000;

export interface PatchMeta {
  headCommit: string;
  truncated: boolean;
  /** The size of the whole patch before any cut, in bytes. */
  fullBytes: number;
}

const key = (taskId: string, head: string) => `patches/${taskId}/${head}.diff`;

export async function putPatch(
  bucket: R2Bucket,
  taskId: string,
  meta: PatchMeta,
  text: string,
): Promise<void> {
  await bucket.put(key(taskId, meta.headCommit), text, {
    httpMetadata: { contentType: 'text/x-diff; charset=utf-8' },
    // R2's custom metadata is strings only.
    customMetadata: {
      headCommit: meta.headCommit,
      truncated: String(meta.truncated),
      fullBytes: String(meta.fullBytes),
    },
  });
}

/** The stored patch of a task at one head, or null. */
export async function getPatch(
  bucket: R2Bucket,
  taskId: string,
  head: string,
): Promise<{ meta: PatchMeta; body: ReadableStream } | null> {
  const object = await bucket.get(key(taskId, head));
  if (!object) return null;
  const custom = object.customMetadata ?? {};
  return {
    meta: {
      headCommit: custom.headCommit ?? head,
      truncated: custom.truncated === 'true',
      fullBytes: Number(custom.fullBytes ?? object.size),
    },
    body: object.body,
  };
}
