import type { Role } from '../../../drizzle/schema';
import type { SettingsValue } from '../../settings/schema';
import type { Operator, Reply } from '../reply';
import type { ScanResult } from '../scan';

/** What a command can reach: who asks, from where, and the CEO's own levers. */
export interface CommandContext {
  env: Env;
  settings: SettingsValue;
  operator: Operator;
  now: number;
  /** The Telegram chat the command came from (null on the web). */
  chatId: string | null;
  /** Names the cause (update id, chat message key), so a replay decides nothing twice. */
  requestId: string;
  ceo: {
    /** What waits in the digest buffer, as a reply (null: nothing), leaving it for the digest. */
    digest(): Promise<string | null>;
    scan(): Promise<ScanResult>;
  };
}

/** One slash command, the same on every face. */
export interface Command {
  name: string;
  /** Arguments, as the usage line shows them ('' for none). */
  args: string;
  help: string;
  /** Who may run it; lower roles get a polite refusal. */
  minRole: Role;
  run(ctx: CommandContext, args: string[]): Promise<Reply | string>;
}

/** The usage line of a command, the reply to bad arguments. */
export const usage = (command: Pick<Command, 'name' | 'args'>) =>
  `Usage: /${command.name}${command.args ? ` ${command.args}` : ''}`;
