import { useEffect, useState } from 'preact/hooks';
import { describeFailure, hq, messageOf, ok } from '../api/client';
import { navigate } from '../router';
import { type ChatTurn, newTurnKey, type ReplyButton, sendTurn } from './stream';

export interface ChatMessage {
  id: string;
  sender: 'operator' | 'ceo';
  content: string;
  at: string;
  /** Only on answers of this page's session: the history does not keep buttons. */
  buttons?: ReplyButton[][];
  /** The answer is still arriving. */
  streaming?: boolean;
}

/**
 * The signed-in user's web conversation with the CEO: its history, the draft, and turns whose
 * answers stream in token by token. The draft is cleared only once the CEO took the turn, so a
 * refused message stays in the box to be fixed.
 */
export function useChat() {
  const [messages, setMessages] = useState<ChatMessage[] | null>(null);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const loadHistory = async () => {
    const { messages: stored } = await ok(
      hq.GET('/api/chat/history', { params: { query: { limit: 100 } } }),
    );
    setMessages(stored.map((m) => ({ ...m, id: String(m.id) })));
  };
  useEffect(() => {
    loadHistory().catch((e) => setError(messageOf(e)));
  }, []);

  const append = (...added: ChatMessage[]) =>
    setMessages((current) => [...(current ?? []), ...added]);
  const change = (id: string, edit: (m: ChatMessage) => Partial<ChatMessage>) =>
    setMessages((current) => current?.map((m) => (m.id === id ? { ...m, ...edit(m) } : m)) ?? null);

  async function run(turn: ChatTurn, onTaken: () => void) {
    const answerId = `answer-${turn.key}`;
    let answered = false;
    setBusy(true);
    setError(null);
    try {
      await sendTurn(turn, (event) => {
        if (event.event === 'queued') {
          onTaken();
          const at = new Date().toISOString();
          append({ id: answerId, sender: 'ceo', content: '', at, streaming: true });
        } else if (event.event === 'token') {
          change(answerId, (m) => ({ content: m.content + event.text }));
        } else if (event.event === 'reply') {
          answered = true;
          // The reply is the whole answer: it replaces whatever the tokens added up to.
          change(answerId, () => ({ content: event.text, buttons: event.buttons }));
        } else if (event.event === 'done') {
          change(answerId, () => ({ streaming: false }));
        }
      });
      // No reply on this stream (a resent key, or the CEO restarted mid-turn): the answer is
      // still recorded in the conversation, so the history has it.
      if (!answered) await loadHistory();
    } catch (e) {
      setError(describeFailure(e));
      change(answerId, () => ({ streaming: false }));
    } finally {
      setBusy(false);
    }
  }

  /** Sends the draft as one turn with a fresh key. */
  async function send() {
    const text = draft.trim();
    if (!text || busy) return;
    const key = newTurnKey();
    await run({ key, text }, () => {
      setDraft('');
      append({
        id: `mine-${key}`,
        sender: 'operator',
        content: text,
        at: new Date().toISOString(),
      });
    });
  }

  /** Presses a reply button: the question is answered, so every button goes away. */
  async function act(action: string) {
    if (busy) return;
    // A draft's Edit opens the propose form on it; the question stays open meanwhile.
    const edit = /^mission:edit:([\w-]+)$/.exec(action);
    if (edit) {
      navigate(`/missions?draft=${edit[1]}`);
      return;
    }
    setMessages((current) => current?.map((m) => ({ ...m, buttons: undefined })) ?? null);
    await run({ key: newTurnKey(), action }, () => undefined);
  }

  return { messages, draft, setDraft, busy, error, send, act };
}
