import { ApiFailure, hq, ok } from '../api/client';

export interface ReplyButton {
  label: string;
  action: string;
}

/** What the CEO's chat route streams for one turn (worker/chat/routes.ts). */
export type ChatEvent =
  | { event: 'queued' }
  | { event: 'token'; text: string }
  | { event: 'reply'; text: string; buttons: ReplyButton[][] }
  | { event: 'done' }
  | { event: 'duplicate' };

/** One turn: free text, or a button's action from an earlier reply. */
export type ChatTurn = { key: string; text: string } | { key: string; action: string };

/** A fresh idempotency key for a turn (randomUUID needs a secure context; plain http may lack it). */
export function newTurnKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function parse(block: string): ChatEvent | null {
  let name = '';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  const payload = (data.length ? JSON.parse(data.join('\n')) : {}) as Record<string, unknown>;
  switch (name) {
    case 'queued':
    case 'done':
    case 'duplicate':
      return { event: name };
    case 'token':
      return { event: 'token', text: String(payload.text ?? '') };
    case 'reply':
      return {
        event: 'reply',
        text: String(payload.text ?? ''),
        buttons: (payload.buttons as ReplyButton[][] | undefined) ?? [],
      };
    default:
      return null; // an event this page does not know yet: ignored, not fatal
  }
}

/**
 * Posts one turn and calls `onEvent` for each server-sent event as it arrives. EventSource
 * cannot POST, so the body is read here; a refused turn throws before any event.
 */
export async function sendTurn(turn: ChatTurn, onEvent: (event: ChatEvent) => void) {
  const stream = await ok(
    hq.POST('/api/chat', {
      body: turn,
      headers: { accept: 'text/event-stream' },
      parseAs: 'stream',
    }),
  );
  if (!stream) {
    throw new ApiFailure(0, { code: 'unknown', message: 'The answer had no body.', requestId: '' });
  }
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replaceAll('\r\n', '\n');
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const event = parse(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (event) onEvent(event);
    }
  }
}
