/**
 * What the office hub may hold in memory at once. Deployed, a Durable Object has 128 MB; these
 * keep the hub far below it whatever the traffic, and each is checked by the memory test.
 */

/**
 * Task moves read from the feed in one pass and held until they are broadcast. A pass after a
 * long quiet spell (or a bulk change) may read thousands: past this, the oldest are dropped
 * and the message counter skips as many, so every client sees a gap and asks for a snapshot.
 */
export const MAX_MOVES_HELD = 1_000;

/**
 * Open office sockets. Hibernation makes idle ones cheap, but every broadcast walks them all
 * and each accepted socket costs the runtime memory. Two thousand open pages is far past a
 * company; beyond it an upgrade is refused with a 503 (`overloaded`).
 */
export const MAX_SOCKETS = 2_000;

/** The refusal a client gets past MAX_SOCKETS. */
export const SOCKETS_FULL = `The office already has ${MAX_SOCKETS.toLocaleString('en')} open pages: close one, or try again in a moment.`;

/** The 503 an upgrade gets once MAX_SOCKETS are open; null while there is room. */
export function socketsFull(ctx: DurableObjectState): Response | null {
  if (ctx.getWebSockets().length < MAX_SOCKETS) return null;
  return new Response(SOCKETS_FULL, { status: 503 });
}

/** A resync refused because the hub's queue is full: its reason, and ask again after `ms`. */
export const retryLater = (error: Error, ms: number) => ({
  message: error.message,
  retryAfterMs: ms,
});
