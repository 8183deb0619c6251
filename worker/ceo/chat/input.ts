import type { Operator } from '../reply';

/** A message for the CEO's conversation engine, from either face (Telegram or the web chat). */
export interface ConversationInput {
  channel: 'telegram' | 'web';
  operator: Operator;
  text: string;
  /** Names the cause, so a replay records and answers nothing twice. */
  key: string;
  at: number;
  /** What the model reads this turn when it is more than `text` (a document's content). */
  prompt?: string;
  /** Pictures for a vision-capable model, as data URLs. */
  images?: string[];
  /** Files the model reads itself (a PDF without a text layer), as data URLs with names. */
  files?: { name: string; dataUrl: string }[];
}
