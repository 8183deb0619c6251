import { InlineKeyboard } from 'grammy/web';
import type { Button } from '../ceo/reply';

/** Telegram refuses longer texts. */
export const TELEGRAM_MAX_TEXT = 4096;

/** Rows of reply buttons as a Telegram inline keyboard (callback data is the action). */
export function keyboard(rows: Button[][]): InlineKeyboard {
  return InlineKeyboard.from(
    rows.map((row) => row.map((b) => InlineKeyboard.text(b.label, b.action))),
  );
}

/** Text cut to what Telegram accepts, saying so when it was cut. */
export function fitText(text: string): string {
  return text.length <= TELEGRAM_MAX_TEXT ? text : `${text.slice(0, TELEGRAM_MAX_TEXT - 2)}…`;
}

/** Telegram shows at most 200 characters in a callback answer. */
export const toast = (text: string) => (text.length > 200 ? `${text.slice(0, 199)}…` : text);
