import type { Role } from '../../drizzle/schema';

/** A button under a reply; `action` comes back when it is pressed (Telegram callback data). */
export interface Button {
  label: string;
  action: string;
}

/** What the CEO says back, on any face: text, and optionally rows of buttons. */
export interface Reply {
  text: string;
  buttons?: Button[][];
  /**
   * Questions this reply closed (a pending action confirmed, cancelled or replaced by a newer
   * one): a face that showed their Confirm / Cancel buttons takes them away.
   */
  closed?: ClosedQuestion[];
}

/** A pending action that is no longer open, and how it ended. */
export interface ClosedQuestion {
  id: string;
  outcome: 'confirmed' | 'cancelled' | 'replaced';
}

/** The signed-in person a message comes from, with their role now. */
export interface Operator {
  email: string;
  role: Role;
}

/** A mission's short id, as lists show it and commands accept it. */
export const shortId = (id: string) => id.slice(0, 8);

export const money = (usd: number) => `$${usd.toFixed(2)}`;

/**
 * What a sum of money leaves out: runs whose cost nobody knows (a CLI that reports tokens and
 * no money, with no price in the table). Empty when every cost is known.
 */
export const unknownCostNote = (runs: number, tokens: number) =>
  runs > 0
    ? `, plus ${runs} run${runs === 1 ? '' : 's'} of unknown cost (${tokens.toLocaleString('en-US')} tokens, no price)`
    : '';

/** A bulleted list, or a line saying there is nothing. */
export const bullets = (items: string[], empty = 'nothing') =>
  items.length ? items.map((item) => `• ${item}`).join('\n') : `• ${empty}`;
