import { deleteMemory, findMemory, memoryContext, resolveMemory } from '../../memory/store';
import { roleProblem, setWorkerSwitch } from '../actions';
import { bullets, shortId } from '../reply';
import { line } from './catalog';
import { type Command, type CommandContext, usage } from './types';

const DURATION = /^(\d{1,4})([mhd])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

const mute: Command = {
  ...line('mute'),
  async run(ctx, args) {
    if (!ctx.chatId)
      return 'Muting applies to a Telegram chat; the web app only shows what you open.';
    const [arg = '1h'] = args;
    const match = DURATION.exec(arg);
    if (args.length > 1 || (arg !== 'off' && !match)) return usage(mute);
    const until = match ? ctx.now + Number(match[1]) * UNIT_MS[match[2] as 'm' | 'h' | 'd'] : null;
    await ctx.env.DB.prepare('UPDATE telegram_chats SET muted_until = ? WHERE chat_id = ?')
      .bind(until, ctx.chatId)
      .run();
    return until
      ? `Muted until ${new Date(until).toISOString().slice(0, 16).replace('T', ' ')} UTC. Replies still come; notifications wait in the web app.`
      : 'Unmuted: notifications come here again.';
  },
};

/** The memory item whose id starts with `prefix`, or why not. */
async function memoryItem(ctx: CommandContext, prefix: string) {
  const { results } = await ctx.env.DB.prepare(
    `SELECT id FROM memory_items WHERE id LIKE ? ESCAPE '\\' LIMIT 2`,
  )
    .bind(`${prefix.replace(/[\\%_]/g, '\\$&')}%`)
    .all<{ id: string }>();
  const [only] = results;
  if (prefix.length < 4 || results.length !== 1 || !only) return null;
  return (await findMemory(ctx.env, only.id)) ?? null;
}

const memory: Command = {
  ...line('memory'),
  async run(ctx, args) {
    const [verb, id, ...rest] = args;
    if (!verb) {
      const m = await memoryContext(ctx.env);
      // Each item says whose conversation it came from, so a stray one can be traced and forgotten.
      const line = (i: { id: string; content: string; sourceEmail: string | null }) =>
        `${shortId(i.id)} ${i.content} (from ${i.sourceEmail ?? 'unknown'})`;
      return [
        `Decisions (last six conversations):\n${bullets(m.decisions.map(line), 'none')}`,
        `Open loops:\n${bullets(m.openLoops.map(line), 'none')}`,
        `Preferences:\n${bullets(m.preferences.map(line), 'none')}`,
      ].join('\n');
    }
    if ((verb !== 'resolve' && verb !== 'delete') || !id || rest.length) return usage(memory);
    const denied = roleProblem(ctx.operator, 'operator');
    if (denied) return denied;
    const item = await memoryItem(ctx, id);
    if (!item) return `No single memory item starts with ${id}.`;
    const by = { actor: ctx.operator.email, requestId: ctx.requestId };
    if (verb === 'resolve') await resolveMemory(ctx.env, item, by);
    else await deleteMemory(ctx.env, item, by);
    return `${verb === 'resolve' ? 'Resolved' : 'Forgot'}: ${item.content}`;
  },
};

/** Commands that steer the CEO and the company. */
export const ceoCommands: Command[] = [
  {
    ...line('digest'),
    async run(ctx) {
      const waiting = await ctx.ceo.digest();
      return waiting ?? 'Nothing is waiting in the digest buffer.';
    },
  },
  {
    ...line('scan'),
    async run(ctx) {
      const result = await ctx.ceo.scan();
      if (!result.findings.length) return 'Ops scan: nothing needs a look.';
      return `Ops scan: ${result.findings.length} finding(s).\n${bullets(
        result.findings.map(
          (f) => `${f.text}${f.reason === 'duplicate_finding' ? ' (already reported)' : ''}`,
        ),
      )}`;
    },
  },
  mute,
  {
    ...line('pause'),
    run: async (ctx) => setWorkerSwitch(ctx.env, ctx.settings, ctx.operator, false, ctx.requestId),
  },
  {
    ...line('resume'),
    run: async (ctx) => setWorkerSwitch(ctx.env, ctx.settings, ctx.operator, true, ctx.requestId),
  },
  memory,
];
