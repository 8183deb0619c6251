import { z } from '@hono/zod-openapi';
import { EXECUTOR_PRESETS, PRESET_LIMITS } from './catalog';

// An agent's executor field: which preset runs its tasks and with which options. The rules
// here are the presets' real limits (runner/executors/presets), so an option a preset would
// silently ignore is refused with the field named instead.

/**
 * Credentials in argv can be read by any local user of the runner's machine (ps, /proc), and
 * the field is kept in revisions and the audit log: they belong in the runner's environment,
 * passed to the agent with `--env NAME`.
 */
const SECRET_FLAG = /^--?[\w-]*(api[-_]?key|token|secret|passw(or)?d)(=|$)/i;
const SECRET_VALUE =
  /\b(sk-[\w-]{8,}|ghp_\w{8,}|github_pat_\w{8,}|xox[abp]-[\w-]{8,}|hqr_\w{8,}|hq_api_[\w-]{8,})/;
const SECRET_HINT =
  "looks like a credential: put it in the runner's environment and pass it with --env NAME";

export const Executor = z
  .strictObject({
    preset: z.enum(EXECUTOR_PRESETS),
    maxTurns: z.number().int().min(1).max(1000).optional(),
    extraArgs: z.array(z.string().min(1).max(500)).max(50).optional(),
    command: z.string().trim().min(1).max(2000).optional(),
  })
  .superRefine((value, ctx) => {
    const limits = PRESET_LIMITS[value.preset];
    const problem = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    if (value.preset === 'command' && !value.command)
      problem(['command'], 'the command preset needs the command to run');
    if (value.preset !== 'command' && value.command !== undefined)
      problem(['command'], `only the command preset takes a command, not ${value.preset}`);
    if (value.maxTurns !== undefined && !limits.maxTurns)
      problem(['maxTurns'], `${value.preset} has no turn limit`);
    if (value.extraArgs?.length && !limits.extraArgs)
      problem(['extraArgs'], `${value.preset} takes no extra arguments`);
    value.extraArgs?.forEach((arg, i) => {
      if (SECRET_FLAG.test(arg) || SECRET_VALUE.test(arg)) problem(['extraArgs', i], SECRET_HINT);
    });
    if (value.command && SECRET_VALUE.test(value.command)) problem(['command'], SECRET_HINT);
  })
  .openapi('Executor', {
    description:
      'What runs the agent’s tasks on a runner. Null: the runner’s own default (its --executor).',
  });
