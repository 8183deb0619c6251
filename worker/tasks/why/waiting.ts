// The gates of a task that waits for dispatch (PENDING, or CHANGES_REQUESTED back to its
// agent), in the order dispatch meets them. Each reads the rule dispatch itself applies
// (eligibility.ts), so a failing gate is exactly why dispatch leaves the task.
import { type AgentBlock, type AgentFacts, agentBlock, fitting } from '../eligibility';
import { closest } from './closest';
import { at, type MissionRow, type TaskRow, type WhyContext } from './context';
import type { Gate } from './types';

const pass = (id: string, label: string, fact: string): Gate => ({
  id,
  label,
  state: 'pass',
  fact,
  fix: null,
});
const skip = (id: string, label: string, fact: string): Gate => ({
  ...pass(id, label, fact),
  state: 'skip',
});
const money = (usd: number) => `$${usd.toFixed(2)}`;

function missionGate(mission: MissionRow): Gate {
  const label = 'Its mission is approved';
  if (mission.status === 'APPROVED')
    return pass('mission', label, `Mission "${mission.title}" is APPROVED.`);
  return {
    id: 'mission',
    label,
    state: 'fail',
    fact: `Mission "${mission.title}" is ${mission.status}: only tasks of approved missions are assigned.`,
    fix:
      mission.status === 'PROPOSED'
        ? `Approve the mission on /missions, or with /approve ${mission.id.slice(0, 8)}.`
        : 'Its mission is over: cancel this task on its page.',
  };
}

function pausedGate(ctx: WhyContext): Gate {
  const label = 'Work is not paused';
  if (ctx.settings.workerSwitch) return pass('paused', label, 'The worker switch is on.');
  return {
    id: 'paused',
    label,
    state: 'fail',
    fact: 'Work is paused: the worker switch is off, so no task is assigned.',
    fix: 'An admin resumes work: Settings → Workers, or /resume.',
  };
}

function hintGates(task: TaskRow, previous: boolean, ctx: WhyContext): Gate[] {
  const agentLabel = 'The agent hint names an agent';
  const roleLabel = 'The role hint names a role';
  const active = ctx.agents.filter((a) => a.archived_at === null);
  if (previous) {
    const fact = 'Changes were requested: it goes back to the agent that did it.';
    return [skip('agent_hint', agentLabel, fact), skip('role_hint', roleLabel, fact)];
  }
  const gates: Gate[] = [];
  const hint = task.agent_hint;
  if (!hint) gates.push(skip('agent_hint', agentLabel, 'No agent hint.'));
  else if (ctx.agents.some((a) => a.slug === hint))
    gates.push(pass('agent_hint', agentLabel, `The hint names agent ${hint}.`));
  else {
    const near = closest(
      hint,
      active.map((a) => a.slug),
    );
    gates.push({
      id: 'agent_hint',
      label: agentLabel,
      state: 'fail',
      fact: `The hint names "${hint}", and no agent has that slug.${near.length ? ` Closest: ${near.join(', ')}.` : ' There are no agents.'}`,
      fix: `Reassign the task to an existing agent (its page → Reassign), or hire an agent named ${hint} on /agents.`,
    });
  }
  const role = task.role_hint;
  if (hint)
    gates.push(skip('role_hint', roleLabel, 'The agent hint decides; the role hint is not read.'));
  else if (!role) gates.push(skip('role_hint', roleLabel, 'No role hint.'));
  else if (active.some((a) => a.role.toLowerCase() === role.toLowerCase()))
    gates.push(pass('role_hint', roleLabel, `Agents with the role "${role}" exist.`));
  else {
    const near = closest(
      role,
      active.map((a) => a.role),
    );
    gates.push({
      id: 'role_hint',
      label: roleLabel,
      state: 'fail',
      fact: `The hint asks for the role "${role}", and no agent has it.${near.length ? ` Closest roles: ${near.join(', ')}.` : ''}`,
      fix: `Reassign the task to an agent (its page → Reassign), or give an agent the role "${role}" on its page under /agents.`,
    });
  }
  return gates;
}

function workerGate(ctx: WhyContext): Gate {
  const label = 'A WORKER agent exists';
  const workers = ctx.agents.filter((a) => a.archived_at === null && a.type === 'WORKER');
  if (workers.length)
    return pass('worker_exists', label, `Workers: ${workers.map((a) => a.slug).join(', ')}.`);
  return {
    id: 'worker_exists',
    label,
    state: 'fail',
    fact: 'No agent has the type WORKER: a task with no hint goes to a worker.',
    fix: 'Hire a WORKER agent on /agents, or reassign the task to an agent (its page → Reassign).',
  };
}

/** One agent's block, said plainly, with its fix. */
function blocked(
  agent: AgentFacts,
  block: AgentBlock,
  ctx: WhyContext,
): { fact: string; fix: string } {
  const page = `/agents/${agent.slug}`;
  switch (block) {
    case 'archived':
      return {
        fact: `${agent.slug} is archived`,
        fix: `Reassign the task to an active agent (its page → Reassign).`,
      };
    case 'disabled':
      return {
        fact: `${agent.slug} is disabled`,
        fix: `Enable ${agent.slug} (Settings → Workers, or ${page}).`,
      };
    case 'cooldown':
      return {
        fact: `${agent.slug} cools down after repeated failures until ${at(agent.cooldown_until ?? 0)}`,
        fix: `Look at ${agent.slug}'s failed tasks on ${page}; it takes work again after ${at(agent.cooldown_until ?? 0)}, or reassign the task.`,
      };
    case 'budget_usd':
      return {
        fact: `${agent.slug} spent ${money(agent.spent_usd)} of its ${money(agent.monthly_budget_usd ?? 0)} monthly budget`,
        fix: `Raise ${agent.slug}'s monthly budget on ${page}, or reassign the task.`,
      };
    case 'budget_tokens':
      return {
        fact: `${agent.slug} used ${agent.spent_tokens} of its ${agent.monthly_budget_tokens ?? 0} monthly tokens`,
        fix: `Raise ${agent.slug}'s monthly token budget on ${page}, or reassign the task.`,
      };
    case 'schedule':
      return {
        fact: `${agent.slug} is off duty by its schedule "${agent.schedule}" (${ctx.settings.briefing.timeZone})`,
        fix: `It takes work when its schedule has it on duty; change the schedule on ${page} to start sooner.`,
      };
  }
}

function agentGate(task: TaskRow, ctx: WhyContext): Gate | null {
  const label = 'An agent that fits can take work now';
  const fit = fitting(task, ctx.agents);
  // No agent fits at all: the hint or worker gate above already failed and says why.
  if (!fit.length) return null;
  const free = fit.filter((a) => !agentBlock(a, ctx.now, ctx.settings.briefing.timeZone));
  if (free.length) {
    const next = [...free].sort((a, b) => a.load - b.load)[0] as AgentFacts;
    return pass(
      'agent',
      label,
      `${free.map((a) => a.slug).join(', ')} can take it; ${next.slug} holds ${next.load} task(s).`,
    );
  }
  const reasons = fit.map((a) => ({
    agent: a,
    block: agentBlock(a, ctx.now, ctx.settings.briefing.timeZone) as AgentBlock,
  }));
  const said = reasons.map((r) => blocked(r.agent, r.block, ctx));
  // Off duty only: it is a matter of time, not of a fix.
  const onlySchedule = reasons.every((r) => r.block === 'schedule');
  return {
    id: 'agent',
    label,
    state: onlySchedule ? 'wait' : 'fail',
    fact: `${said.map((s) => s.fact).join('; ')}.`,
    fix: said.find((_, i) => reasons[i]?.block !== 'schedule')?.fix ?? said[0]?.fix ?? null,
  };
}

function missionBudgetGate(mission: MissionRow): Gate {
  const label = 'Its mission is under budget';
  if (mission.under_budget) {
    const parts = [
      mission.budget_usd !== null
        ? `${money(mission.spent_usd)} of ${money(mission.budget_usd)}`
        : null,
      mission.budget_tokens !== null
        ? `${mission.spent_tokens} of ${mission.budget_tokens} tokens`
        : null,
    ].filter(Boolean);
    return pass(
      'mission_budget',
      label,
      parts.length ? `The mission spent ${parts.join(' and ')}.` : 'The mission has no budget.',
    );
  }
  const over =
    mission.budget_usd !== null && mission.budget_usd <= mission.spent_usd
      ? `${money(mission.spent_usd)} of its ${money(mission.budget_usd)} budget`
      : `${mission.spent_tokens} of its ${mission.budget_tokens ?? 0} tokens`;
  return {
    id: 'mission_budget',
    label,
    state: 'fail',
    fact: `Mission "${mission.title}" spent ${over}: none of its tasks is assigned.`,
    fix: "Raise the mission's budget, or cancel its remaining tasks (the task page → Cancel).",
  };
}

/** The gates before dispatch, in order. */
export function waitingGates(task: TaskRow, mission: MissionRow, ctx: WhyContext): Gate[] {
  const previous = task.status === 'CHANGES_REQUESTED' && task.agent_id !== null;
  const gates = [missionGate(mission), pausedGate(ctx), ...hintGates(task, previous, ctx)];
  if (!previous && !task.agent_hint && !task.role_hint) gates.push(workerGate(ctx));
  const agent = agentGate(task, ctx);
  if (agent) gates.push(agent);
  gates.push(missionBudgetGate(mission));
  return gates;
}
