import { useEffect, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import './telegram.css';
import type { Answered, GetOk } from '../api/schema';

type Chats = GetOk<'/api/telegram/chats'>;
type LinkCode = Answered<'/api/telegram/link-code', 'post', 201>;

/** Your Telegram chats with the CEO: link one with a one-time code, or unlink one. */
export function TelegramPanel() {
  const [view, setView] = useState<Chats | null>(null);
  const [code, setCode] = useState<LinkCode | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    ok(hq.GET('/api/telegram/chats')).then(
      (v) => setView(v),
      (e) => setError(messageOf(e)),
    );
  useEffect(() => {
    void load();
  }, []);

  async function run(request: () => Promise<void>) {
    try {
      await request();
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  const createCode = () =>
    run(async () => {
      setCode(await ok(hq.POST('/api/telegram/link-code')));
    });
  const unlink = (chatId: string) =>
    run(async () => {
      await ok(hq.DELETE('/api/telegram/chats/{chatId}', { params: { path: { chatId } } }));
      await load();
    });

  return (
    <section class="panel telegram" aria-labelledby="telegram-title" data-testid="telegram-panel">
      <h3 id="telegram-title">Telegram</h3>
      {error && <p class="error">{error}</p>}
      {view && !view.configured && (
        <p class="warning" data-testid="telegram-not-set-up">
          Telegram is not set up on this HQ. An admin sets <code>TELEGRAM_BOT_TOKEN</code> (with{' '}
          <code>TELEGRAM_BOT_USERNAME</code> and <code>TELEGRAM_WEBHOOK_SECRET</code>) and runs{' '}
          <code>npm run telegram:setup</code>; then you can link a chat here.
        </p>
      )}
      {view?.configured && (
        <div>
          <p>
            Talk to the CEO from Telegram (<code>@{view.botUsername}</code>): create a one-time
            code, then send it to the bot.
          </p>
          <button type="button" onClick={() => void createCode()}>
            Link a Telegram chat
          </button>
          {code && (
            <div class="notice link-code" role="status">
              <p>
                Send <code data-testid="telegram-start">/start {code.code}</code> to @
                {code.botUsername}, or open{' '}
                <a href={code.link} target="_blank" rel="noreferrer">
                  {code.link}
                </a>
                .
              </p>
              <p class="small">
                The code works once and expires at {new Date(code.expiresAt).toLocaleTimeString()}.
              </p>
            </div>
          )}
        </div>
      )}
      {!!view?.chats.length && (
        <table class="table" aria-label="Linked Telegram chats">
          <tbody>
            {view.chats.map((c) => (
              <tr key={c.chatId}>
                <td>{c.telegramName ?? `chat ${c.chatId}`}</td>
                <td class="muted">
                  linked {new Date(c.linkedAt).toLocaleString()}
                  {c.mutedUntil && ` · muted until ${new Date(c.mutedUntil).toLocaleString()}`}
                </td>
                <td>
                  <button
                    type="button"
                    class="secondary"
                    aria-label={`Unlink ${c.telegramName ?? c.chatId}`}
                    onClick={() => void unlink(c.chatId)}
                  >
                    Unlink
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {view?.blocked && (
        <p class="warning" data-testid="telegram-blocked">
          Telegram unlinked: you blocked the bot on {new Date(view.blocked.at).toLocaleString()}.
          Link a chat again to hear from the CEO there.
        </p>
      )}
      {view && !view.chats.length && <p class="muted">No Telegram chat is linked to you.</p>}
    </section>
  );
}
