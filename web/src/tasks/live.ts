// Live task boards: every page that shows tasks listens to the office hub's task deltas. One
// socket per page however many components listen, opened by the first and closed by the last.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { OfficeServerMessage, TaskMove } from '../../../worker/office/protocol';
import { type ConnectionState, connectOffice, type OfficeConnection } from '../office/socket';

export type { TaskMove } from '../../../worker/office/protocol';

interface Listener {
  onMove(move: TaskMove): void;
  onResync(): void;
  onState(state: ConnectionState): void;
}

const listeners = new Set<Listener>();
let connection: { line: OfficeConnection } | null = null;
let state: ConnectionState = 'closed';

function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  if (connection) listener.onState(state);
  else {
    // Callbacks of a connection already closed (the page changed) reach nobody.
    const mine: { line: OfficeConnection | null } = { line: null };
    const current = () => connection === mine;
    connection = mine as { line: OfficeConnection };
    mine.line = connectOffice({
      onMessage: (message: OfficeServerMessage) => {
        if (!current()) return;
        for (const l of listeners) {
          // A snapshot comes on every (re)connect and after a gap: what was missed is unknown.
          if (message.type === 'snapshot') l.onResync();
          else if (message.type === 'task') l.onMove(message.task);
        }
      },
      onState: (next) => {
        if (!current()) return;
        state = next;
        for (const l of listeners) l.onState(next);
      },
    });
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size > 0 || !connection) return;
    const closing = connection.line;
    connection = null;
    closing.close();
  };
}

/**
 * Calls `onMove` for every task move the hub sends and `onResync` on every snapshot (the
 * first connection and each reconnect). Returns the line's state, for a "live" mark.
 */
export function useTaskMoves(
  onMove: (move: TaskMove) => void,
  onResync: () => void,
): ConnectionState {
  const handlers = useRef({ onMove, onResync });
  handlers.current = { onMove, onResync };
  const [line, setLine] = useState<ConnectionState>('connecting');
  useEffect(
    () =>
      subscribe({
        onMove: (move) => handlers.current.onMove(move),
        onResync: () => handlers.current.onResync(),
        onState: setLine,
      }),
    [],
  );
  return line;
}

/** Runs `fn` once, `ms` after the last of a burst of calls (a burst of moves, one refetch). */
export function useDebounced(fn: () => void, ms = 250): () => void {
  const latest = useRef(fn);
  latest.current = fn;
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  return useRef(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => latest.current(), ms);
  }).current;
}
