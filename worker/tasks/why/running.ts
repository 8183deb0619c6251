// The gates after dispatch: a runner to claim the task (the claim's own rules,
// worker/runners/claim.ts), a running task's heartbeats, the people who review it, and the
// runner that merges it once approved.
import { type AgentFacts, agentBlock, fitting } from '../eligibility';
import { RUNNER_GONE_MS } from '../runner-waits';
import { age, at, type MissionRow, type RunnerRow, type TaskRow, type WhyContext } from './context';
import type { Gate } from './types';

const online = (r: RunnerRow, now: number) =>
  r.last_seen_at !== null && r.last_seen_at >= now - RUNNER_GONE_MS;
const seen = (r: RunnerRow, now: number) =>
  `${r.name} (${r.last_seen_at === null ? 'never seen' : `last seen ${age(now - r.last_seen_at)} ago`})`;
const START = 'Settings → Runners has the command line that starts one';

function preset(agent: AgentFacts | undefined): string | null {
  if (!agent?.executor) return null;
  try {
    return (JSON.parse(agent.executor) as { preset?: string }).preset ?? null;
  } catch {
    return null;
  }
}

/** The agent whose executor the runner must run: the assigned one, else the one dispatch would pick. */
function agentOf(task: TaskRow, ctx: WhyContext): AgentFacts | undefined {
  if (task.status !== 'PENDING' && task.status !== 'CHANGES_REQUESTED')
    return ctx.agents.find((a) => a.id === task.agent_id);
  const fit = fitting(task, ctx.agents);
  const free = fit.filter((a) => !agentBlock(a, ctx.now, ctx.settings.briefing.timeZone));
  return [...(free.length ? free : fit)].sort((a, b) => a.load - b.load)[0];
}

/** A runner online that serves the repository, runs the agent's executor and, for a continuation, holds its head. */
export function runnerGate(task: TaskRow, mission: MissionRow, ctx: WhyContext): Gate {
  const id = 'runner';
  const label = 'A runner online can run it';
  const repo = mission.repository;
  const serving = ctx.runners.filter((r) => r.repositories.has(repo));
  if (!serving.length)
    return {
      id,
      label,
      state: 'fail',
      fact: `No runner serves the repository ${repo}.`,
      fix: `Start a runner with --repo ${repo}=PATH (${START}).`,
    };
  const up = serving.filter((r) => online(r, ctx.now));
  if (!up.length)
    return {
      id,
      label,
      state: 'fail',
      fact: `Runners serving ${repo}: ${serving.map((r) => seen(r, ctx.now)).join(', ')}; none is online.`,
      fix: `Start runner ${serving[0]?.name} again (${START}).`,
    };
  const agent = agentOf(task, ctx);
  const wanted = preset(agent);
  const able = wanted ? up.filter((r) => r.presets.includes(wanted)) : up;
  if (!able.length)
    return {
      id,
      label,
      state: 'fail',
      fact: `No online runner serving ${repo} can run ${wanted}, ${agent?.slug}'s executor (they offer: ${[...new Set(up.flatMap((r) => r.presets))].join(', ') || 'nothing declared'}).`,
      fix: `Start a runner where the ${wanted} CLI is installed, or change ${agent?.slug}'s executor on /agents/${agent?.slug}.`,
    };
  const holder =
    task.head_commit && !task.head_pushed
      ? ctx.runners.find((r) => r.id === task.runner_id)
      : undefined;
  if (holder?.repositories.has(repo) && online(holder, ctx.now))
    return {
      id,
      label,
      state: 'pass',
      fact: `It continues an earlier round whose unpushed head only runner ${holder.name} holds; ${holder.name} is online.`,
      fix: null,
    };
  return {
    id,
    label,
    state: 'pass',
    fact: `Online and serving ${repo}${wanted ? `, with ${wanted}` : ''}: ${able.map((r) => r.name).join(', ')}.`,
    fix: null,
  };
}

/** A running task beats; past the timeout the sweep takes it back. */
export function heartbeatGate(task: TaskRow, ctx: WhyContext): Gate {
  const timeout = ctx.settings.workLoop.heartbeatTimeoutSeconds;
  const last = task.last_heartbeat_at ?? task.since;
  const runner = ctx.runners.find((r) => r.id === task.runner_id);
  const who = runner ? `runner ${runner.name}` : 'its runner';
  const ago = age(ctx.now - last);
  if (ctx.now - last < timeout * 1000)
    return {
      id: 'heartbeat',
      label: 'Its runner is beating',
      state: 'pass',
      fact: `Last heartbeat from ${who} ${ago} ago (timeout ${timeout}s).`,
      fix: null,
    };
  return {
    id: 'heartbeat',
    label: 'Its runner is beating',
    state: 'fail',
    fact: `No heartbeat from ${who} for ${ago}, past the ${timeout}s timeout${runner ? `; ${seen(runner, ctx.now)}` : ''}.`,
    fix: `The sweep gives it back to the queue; check ${who} (Settings → Runners), or cancel the task on its page.`,
  };
}

/** A task in REVIEW without a verdict waits on people. */
export function reviewGate(task: TaskRow, ctx: WhyContext): Gate {
  const label = 'Someone reviews it';
  if (!ctx.reviewers.length)
    return {
      id: 'review',
      label,
      state: 'fail',
      fact: `Waiting for a review since ${at(task.since)}, and nobody has the operator or admin role to give one.`,
      fix: 'An admin grants the operator role (Settings → Roles).',
    };
  return {
    id: 'review',
    label,
    state: 'wait',
    fact: `Waiting for a review since ${at(task.since)} (${age(ctx.now - task.since)}). Who can review: ${ctx.reviewers.join(', ')}.`,
    fix: 'Review it on this page or in the review queue (/review).',
  };
}

/** An approved task waits for a runner to merge it: the lease holder, or those that could. */
export function mergeGate(task: TaskRow, mission: MissionRow, ctx: WhyContext): Gate {
  const id = 'merge';
  const label = 'A runner merges it';
  const lease = task.merge_lease_until !== null && task.merge_lease_until > ctx.now;
  const leaseHolder = lease ? ctx.runners.find((r) => r.id === task.merge_runner_id) : undefined;
  if (leaseHolder)
    return {
      id,
      label,
      state: 'wait',
      fact: `Approved; runner ${leaseHolder.name} is merging it (lease until ${at(task.merge_lease_until ?? 0)}).`,
      fix: 'Nothing to do: the runner reports the merge.',
    };
  if (!task.head_commit)
    return {
      id,
      label,
      state: 'fail',
      fact: 'Approved, but its run recorded no head commit to merge.',
      fix: 'Request changes so it runs again, or cancel it.',
    };
  // The runner that ran it holds an unpushed head; a pushed one any serving runner can fetch.
  const could = ctx.runners.filter(
    (r) => r.repositories.has(mission.repository) && (task.head_pushed || r.id === task.runner_id),
  );
  const up = could.filter((r) => online(r, ctx.now));
  if (up.length)
    return {
      id,
      label,
      state: 'wait',
      fact: `Approved since ${at(task.since)}; waiting for ${up.map((r) => r.name).join(', ')} to merge it.`,
      fix: 'Nothing to do: an online runner asks for verdicts every few seconds.',
    };
  const holder = ctx.runners.find((r) => r.id === task.runner_id);
  return {
    id,
    label,
    state: 'fail',
    fact: could.length
      ? `Approved, and no runner that can merge it is online: ${could.map((r) => seen(r, ctx.now)).join(', ')}.`
      : `Approved, and no runner can merge it: ${task.head_pushed ? `none serves ${mission.repository}` : `its head is unpushed and only ${holder ? `runner ${holder.name}` : 'a revoked runner'} holds it`}.`,
    fix: could.length
      ? `Start runner ${could[0]?.name} again (${START}).`
      : task.head_pushed
        ? `Start a runner with --repo ${mission.repository}=PATH (${START}).`
        : 'Request changes so it runs again on a live runner, or cancel it.',
  };
}
