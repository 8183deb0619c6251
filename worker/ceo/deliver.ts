import type { SettingsValue } from '../settings/schema';

/** Where sent notifications always go: the app's notification list. */
export const WEB_CHANNEL = 'web';
/** A notification that answers someone who asked: it goes back to them, not to every chat. */
export const REPLY_CHANNEL = 'reply';

export interface Outgoing {
  id: string;
  text: string;
  /**
   * Proposed missions still waiting for a decision (a proposal, or those a digest names): the
   * message carries Approve / Reject buttons for each.
   */
  missions?: { id: string; title: string; revision?: number }[];
  /**
   * Tasks still waiting for a person's review: the message carries Approve / Request changes
   * for each, and says how each review ended once it has.
   */
  reviews?: { id: string; title: string }[];
  /**
   * Agents' questions still unanswered: the operator answers one by replying to its message,
   * which is edited once it is answered (worker/ceo/agent-answers.ts).
   */
  questions?: { id: string; title: string }[];
}

export interface Delivery {
  /** Where the message went: `web`, or `web+telegram`. */
  channel: string;
  /** Why it reached no outside channel it should have, or null. */
  error: string | null;
}

/**
 * How a claimed notification reaches the operators outside the app. The web app's list reads
 * the notification row itself, so the web channel needs nothing here and cannot fail. A port,
 * so that the CEO core names no face: the host that runs the CEO (its Durable Object) plugs in
 * the Telegram implementation, `telegramDelivery` in worker/telegram/deliver.ts.
 */
export interface OutsideDelivery {
  /**
   * What the delivery reads before it sends (Telegram: the linked chats), as statements for
   * the send's own claim batch (send.ts), so they cost no round trip of their own.
   */
  reads?(env: Env, settings: SettingsValue): D1PreparedStatement[];
  /** `read`: the results of `reads`, when the caller ran them; else the delivery reads itself. */
  deliver(
    env: Env,
    settings: SettingsValue,
    message: Outgoing,
    now: number,
    read?: D1Result[],
  ): Promise<Delivery>;
}
