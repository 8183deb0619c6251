import { expect } from 'vitest';
import type { OfficeServerMessage } from '../../../worker/office/protocol';
import { call, ORIGIN } from '../support/client';

/** An open office socket with every message it received, in order. */
export interface OfficeClient {
  messages: OfficeServerMessage[];
  /** Resolves with the first message (after `from`) that matches. */
  next<T extends OfficeServerMessage>(
    match: (m: OfficeServerMessage) => m is T,
    from?: number,
  ): Promise<T>;
  close(): void;
  /** Sends a client message (e.g. a resync). */
  send(message: unknown): void;
  /** Resolves when the hub closes the socket, with its code and reason. */
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens the office socket through the real worker with `cookie`, as a browser on our origin. */
export async function openOffice(cookie: string): Promise<OfficeClient> {
  const response = await call('/api/office/ws', {
    cookie,
    headers: { upgrade: 'websocket', origin: ORIGIN },
  });
  expect(response.status, response.status === 101 ? '' : await response.text()).toBe(101);
  const ws = response.webSocket;
  if (!ws) throw new Error('no WebSocket in the 101 response');
  ws.accept();
  const messages: OfficeServerMessage[] = [];
  const waiting = new Set<() => void>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.addEventListener('close', (event) => resolve({ code: event.code, reason: event.reason }));
  });
  ws.addEventListener('message', (event) => {
    messages.push(JSON.parse(String(event.data)) as OfficeServerMessage);
    for (const wake of waiting) wake();
  });
  return {
    messages,
    next(match, from = 0) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(
            new Error(`no matching office message; got ${JSON.stringify(messages.slice(from))}`),
          );
        }, 5_000);
        const check = () => {
          const found = messages.slice(from).find(match);
          if (!found) return;
          clearTimeout(timer);
          waiting.delete(check);
          resolve(found as never);
        };
        waiting.add(check);
        check();
      });
    },
    close: () => {
      try {
        ws.close(1000, 'test done');
      } catch {
        // The hub closed it first.
      }
    },
    send: (message) => ws.send(JSON.stringify(message)),
    closed,
  };
}

export const isSnapshot = (
  m: OfficeServerMessage,
): m is Extract<OfficeServerMessage, { type: 'snapshot' }> => m.type === 'snapshot';
export const isLayout = (
  m: OfficeServerMessage,
): m is Extract<OfficeServerMessage, { type: 'layout' }> => m.type === 'layout';

/** Matches an `agent` delta for `slug` whose presence is `presence`. */
export const agentIs =
  (slug: string, presence: string) =>
  (m: OfficeServerMessage): m is Extract<OfficeServerMessage, { type: 'agent' }> =>
    m.type === 'agent' && m.agent.slug === slug && m.agent.presence === presence;
