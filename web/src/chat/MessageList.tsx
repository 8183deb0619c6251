import { useEffect, useRef } from 'preact/hooks';
import type { ChatMessage } from './useChat';

const SENDER = { operator: 'You', ceo: 'CEO' } as const;

/** The conversation, oldest first; it follows the newest message as answers stream in. */
export function MessageList({
  messages,
  busy,
  onAction,
}: {
  messages: ChatMessage[];
  busy: boolean;
  onAction: (action: string) => void;
}) {
  const log = useRef<HTMLDivElement>(null);
  const last = messages.at(-1);
  // Follow the newest message (and each token of a streaming one).
  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight });
  }, [messages.length, last?.content]);

  return (
    <div class="chat-log" ref={log} role="log" aria-label="Conversation with the CEO">
      {!messages.length && (
        <p class="muted">No messages yet. Ask the CEO how the company is doing.</p>
      )}
      <ol class="messages">
        {messages.map((m) => (
          <li
            key={m.id}
            class={`message from-${m.sender}`}
            data-sender={m.sender}
            aria-busy={m.streaming ? 'true' : undefined}
          >
            <div class="message-head">
              <strong class="sender">{SENDER[m.sender]}</strong>{' '}
              <time class="muted" dateTime={m.at}>
                {new Date(m.at).toLocaleTimeString()}
              </time>
            </div>
            <div class="message-text" data-testid="message-text">
              {m.content}
            </div>
            {m.streaming && (
              <div class="typing" role="status">
                CEO is typing
                <span class="dots" aria-hidden="true" />
              </div>
            )}
            {m.buttons?.map((row) => (
              <div class="inline reply-buttons" key={row.map((b) => b.action).join()}>
                {row.map((b) => (
                  <button
                    type="button"
                    key={b.action}
                    class={/^(cancel|task:changes|mission:edit):/.test(b.action) ? 'secondary' : ''}
                    disabled={busy}
                    onClick={() => onAction(b.action)}
                  >
                    {b.label}
                  </button>
                ))}
              </div>
            ))}
          </li>
        ))}
      </ol>
    </div>
  );
}
