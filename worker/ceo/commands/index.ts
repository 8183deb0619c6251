import { roleAtLeast } from '../../auth/roles';
import type { Reply } from '../reply';
import { line } from './catalog';
import { ceoCommands } from './ceo';
import { companyCommands } from './company';
import type { Command, CommandContext } from './types';
import { workCommands } from './work';

const start: Command = {
  ...line('start'),
  run: async (ctx) =>
    `This chat is linked to ${ctx.operator.email} (${ctx.operator.role}). /help lists what I can do.`,
};

const help: Command = {
  ...line('help'),
  run: async () =>
    [
      'Commands:',
      ...COMMANDS.map((c) => `/${c.name}${c.args ? ` ${c.args}` : ''}: ${c.help}`),
      'Anything else you write is a conversation with me.',
    ].join('\n'),
};

/** The nineteen commands, in the order /help lists them. */
export const COMMANDS: Command[] = [
  start,
  help,
  ...companyCommands,
  ...workCommands,
  ...ceoCommands,
];

/** Parses `/name@bot arg arg` into the command and its arguments, or null when it is not one. */
export function parseCommand(text: string): { name: string; args: string[] } | null {
  const match = /^\/([a-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/i.exec(text.trim());
  if (!match) return null;
  return {
    name: (match[1] ?? '').toLowerCase(),
    args: (match[2] ?? '').split(/\s+/).filter(Boolean),
  };
}

/** Runs one command for an operator, with the role check; an unknown name gets /help's pointer. */
export async function runCommand(
  ctx: CommandContext,
  name: string,
  args: string[],
): Promise<Reply> {
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return { text: `There is no /${name}. /help lists the commands.` };
  if (!roleAtLeast(ctx.operator.role, command.minRole)) {
    return {
      text: `/${name} needs the ${command.minRole} role; ${ctx.operator.email} is ${ctx.operator.role}.`,
    };
  }
  const reply = await command.run(ctx, args);
  return typeof reply === 'string' ? { text: reply } : reply;
}
