import { evictions, type Seat } from '../../worker/office/access';

/**
 * Closes the sockets whose session ended or whose holder lost their role: 4401 "signed out",
 * 4403 "role revoked". Returns how many it closed.
 */
export async function evict(env: Env, sockets: WebSocket[]): Promise<number> {
  if (sockets.length === 0) return 0;
  const seats = sockets.map((ws) => ws.deserializeAttachment() as Seat);
  const evicted = await evictions(env, seats, Date.now());
  let closed = 0;
  sockets.forEach((ws, i) => {
    const why = evicted.get(seats[i]?.session ?? '');
    if (!why) return;
    closed++;
    try {
      ws.close(why.code, why.reason);
    } catch {
      // Already closing.
    }
  });
  return closed;
}
