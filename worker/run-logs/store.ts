// Where run logs live: the RUN_LOGS R2 bucket (local R2 under `wrangler dev` and in tests).
//
// R2 objects cannot be appended to, and a runner sends its agent's output in batches while
// the agent works. So each batch is its own object, `tasks/<taskId>/<run>/<seq>` with the
// sequence number zero-padded so R2's lexicographic listing is the batches' order, and a
// reader lists a run's prefix and concatenates. A batch is written only if its key is new:
// a runner retrying a batch whose answer it lost stores nothing twice, and what was logged
// is never overwritten. Per-run prefixes keep a rerun (requeue, requested changes) apart
// from the attempts before it.
//
// The price is one object per batch, so reads are capped: a page of the JSON log holds at
// most PAGE_CHUNKS batches (the reader pages on with `after`), and a download stops after
// DOWNLOAD_CHUNKS batches, saying where, which keeps one request within a Worker's budget of
// calls to other services. A runner sends a batch every 2 s while there is output (sooner
// only when 20,000 characters pile up), so a download holds the first half hour of steady
// output; a longer log is read on through the JSON pages.

/** The most a single batch may hold, in UTF-8 bytes. */
export const MAX_BATCH_BYTES = 64 * 1024;
/** Sequence numbers run from 1 to this (eight digits, the padding of the key). */
export const MAX_SEQ = 99_999_999;
/** Batches in one page of `GET /api/tasks/{id}/logs`. */
export const PAGE_CHUNKS = 100;
/** Batches in one download before it stops with a note. */
export const DOWNLOAD_CHUNKS = 900;

export interface LogChunk {
  seq: number;
  text: string;
}

const prefix = (taskId: string, run: number) => `tasks/${taskId}/${run}/`;
const key = (taskId: string, run: number, seq: number) =>
  `${prefix(taskId, run)}${String(seq).padStart(8, '0')}`;
const seqOf = (objectKey: string) => Number(objectKey.slice(objectKey.lastIndexOf('/') + 1));

/** Stores one batch unless its sequence number is already taken; true when it was stored. */
export async function appendChunk(
  bucket: R2Bucket,
  taskId: string,
  run: number,
  chunk: LogChunk,
): Promise<boolean> {
  const stored = await bucket.put(key(taskId, run, chunk.seq), chunk.text, {
    // Only if no object exists under the key (first write wins); R2 answers null otherwise.
    onlyIf: { etagDoesNotMatch: '*' },
    httpMetadata: { contentType: 'text/plain; charset=utf-8' },
  });
  return stored !== null;
}

/** Batches of one run after `after` (exclusive), in order, at most `limit`. */
export async function readChunks(
  bucket: R2Bucket,
  taskId: string,
  run: number,
  after: number,
  limit: number,
): Promise<{ chunks: LogChunk[]; more: boolean }> {
  const listed = await bucket.list({
    prefix: prefix(taskId, run),
    ...(after > 0 ? { startAfter: key(taskId, run, after) } : {}),
    limit,
  });
  const chunks = await Promise.all(
    listed.objects.map(async (object) => ({
      seq: seqOf(object.key),
      text: (await (await bucket.get(object.key))?.text()) ?? '',
    })),
  );
  return { chunks, more: listed.truncated };
}

/**
 * The whole log of one run as a text stream, batch after batch, up to DOWNLOAD_CHUNKS
 * batches; a longer log ends with a line saying where the download stopped.
 */
export function logStream(bucket: R2Bucket, taskId: string, run: number): ReadableStream {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const pump = async () => {
    const writer = writable.getWriter();
    const encoder = new TextEncoder();
    let after = 0;
    let sent = 0;
    try {
      for (;;) {
        const limit = Math.min(PAGE_CHUNKS, DOWNLOAD_CHUNKS - sent);
        const { chunks, more } = await readChunks(bucket, taskId, run, after, limit);
        for (const chunk of chunks) await writer.write(encoder.encode(chunk.text));
        sent += chunks.length;
        after = chunks.at(-1)?.seq ?? after;
        if (!more) break;
        if (sent >= DOWNLOAD_CHUNKS) {
          await writer.write(
            encoder.encode(
              `\n[HQ: the download stops after ${DOWNLOAD_CHUNKS} batches; the rest is at GET /api/tasks/${taskId}/logs?run=${run}&after=${after}]\n`,
            ),
          );
          break;
        }
      }
      await writer.close();
    } catch (error) {
      await writer.abort(error);
    }
  };
  void pump();
  return readable;
}
