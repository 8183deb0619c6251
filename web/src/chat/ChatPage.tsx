import { hasRole, me } from '../auth/session';
import { MemoryPanel } from '../memory/MemoryPanel';
import { Composer } from './Composer';
import { MessageList } from './MessageList';
import { useChat } from './useChat';
import './chat.css';

/** Talk to the CEO: the same engine as Telegram, answers streamed as they are written. */
export function ChatPage() {
  const chat = useChat();
  return (
    <section class="chat-page">
      <div class="chat-main">
        <h2>Chat with the CEO</h2>
        {chat.messages === null ? (
          chat.error ? null : (
            <p class="muted">Loading…</p>
          )
        ) : (
          <MessageList
            messages={chat.messages}
            busy={chat.busy}
            onAction={(action) => void chat.act(action)}
          />
        )}
        {chat.error && (
          <p class="error" role="alert">
            {chat.error}
          </p>
        )}
        <Composer
          draft={chat.draft}
          busy={chat.busy}
          onDraft={chat.setDraft}
          onSend={() => void chat.send()}
        />
      </div>
      {hasRole(me.value, 'operator') && <MemoryPanel />}
    </section>
  );
}
