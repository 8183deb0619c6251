import type { Context, Transformer } from 'grammy/web';
import type { ConversationInput } from '../ceo/chat/input';
import type { CommandContext } from '../ceo/commands/types';
import type { Operator, Reply } from '../ceo/reply';
import type { SettingsValue } from '../settings/schema';

/** What the bot needs from the CEO that holds it. */
export interface BotDeps {
  env: Env;
  settings: SettingsValue;
  now: number;
  ceo: CommandContext['ceo'];
  converse(input: ConversationInput): Promise<Reply>;
  /** Runs a button's action (a confirmation) for the conversation engine. */
  confirm(operator: Operator, action: string, key: string): Promise<Reply | null>;
  /** Runs a step of this update once: a rerun after a restart gets its recorded result. */
  once<T>(name: string, work: () => Promise<T>): Promise<T>;
  /** Claims each outgoing Bot API call of this update, so a rerun never sends twice. */
  transformer?: Transformer;
}

/** grammY's context, plus the linked operator the gate found. */
export type HqContext = Context & { operator?: Operator };
