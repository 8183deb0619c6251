// The office page's line to the hub: one WebSocket, kept alive with pings, reopened with
// growing pauses after a drop. Every (re)connection starts with a snapshot from the hub, so
// nothing missed while away is lost.
import { type OfficeServerMessage, PING } from '../../../worker/office/protocol';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface OfficeSocketOptions {
  onMessage(message: OfficeServerMessage): void;
  onState(state: ConnectionState): void;
  /** Where the hub is; the page's own origin by default. */
  url?: string;
}

const PING_MS = 25_000;
const MAX_PAUSE_MS = 15_000;

export interface OfficeConnection {
  /** Closes the socket for good. */
  close(): void;
  /** Drops the line as a network would (tests): the client reconnects and resynchronises. */
  drop(): void;
}

/** Opens the office socket and keeps it open until closed. */
export function connectOffice(options: OfficeSocketOptions): OfficeConnection {
  const url =
    options.url ??
    `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/office/ws`;
  let socket: WebSocket | null = null;
  let failures = 0;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let ping: ReturnType<typeof setInterval> | undefined;
  let lastSeq = 0;

  const open = () => {
    options.onState(failures === 0 ? 'connecting' : 'reconnecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      failures = 0;
      options.onState('live');
      ping = setInterval(() => ws.send(PING), PING_MS);
    };
    ws.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as OfficeServerMessage;
      // An error (a resync refused as too soon) changes nothing: the next gap asks again.
      if (message.type === 'pong' || message.type === 'error') return;
      if (message.type === 'snapshot') lastSeq = message.seq;
      else {
        // A broadcast lost in between (the hub numbers them): ask for the whole picture again.
        if (message.seq > lastSeq + 1) ws.send(JSON.stringify({ type: 'resync' }));
        lastSeq = message.seq;
      }
      options.onMessage(message);
    };
    ws.onclose = (event) => {
      clearInterval(ping);
      if (stopped) return;
      // Signed out (4401) or role revoked (4403): reconnecting would only be refused.
      if (event.code === 4401 || event.code === 4403) {
        stopped = true;
        options.onState('closed');
        return;
      }
      failures++;
      options.onState('reconnecting');
      const pause = Math.min(MAX_PAUSE_MS, 500 * 2 ** Math.min(failures - 1, 5));
      retry = setTimeout(open, pause * (0.75 + Math.random() * 0.5));
    };
  };

  open();
  return {
    close: () => {
      stopped = true;
      clearTimeout(retry);
      clearInterval(ping);
      socket?.close(1000, 'page closed');
      options.onState('closed');
    },
    drop: () => socket?.close(4000, 'dropped'),
  };
}
