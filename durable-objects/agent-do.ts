import { DurableObject } from 'cloudflare:workers';
import { applyChange, type ChangeRequest, type ChangeResult } from '../worker/agents/store';
import { attempt, type Outcome } from '../worker/errors';
import { pokeFollowers } from '../worker/events/subscribers';
import { sweep } from '../worker/tasks/sweep';
import { FEED_FOLLOWERS } from './followers';
import { Serial } from './serial';

/**
 * One per agent (named by the agent's id). Every config write for the agent goes through
 * `change`, one at a time, so revision numbers are dense and never collide. Its alarm
 * watches the agent's running tasks and requeues or fails the ones whose runner went quiet.
 */
export class AgentDO extends DurableObject<Env> {
  private readonly serial = new Serial('This agent');

  /**
   * Applies one change after every change submitted before it has finished. A refusal (no such
   * agent, archived, a bad field) comes back as a failed Outcome for the caller to unwrap;
   * so does a full queue (`overloaded`, a 503), refused before it is held in memory.
   */
  async change(request: ChangeRequest): Promise<Outcome<ChangeResult>> {
    return attempt(() => this.serial.run(() => applyChange(this.env, request)));
  }

  /** What this object holds in memory: only the changes waiting their turn (capped). */
  async memoryFootprint() {
    return { waiting: this.serial.waiting };
  }

  /** Wakes this object at `deadline` (or earlier if already set sooner) to check the agent's running tasks. */
  async watch(agentId: string, deadline: number): Promise<void> {
    await this.ctx.storage.put('agentId', agentId);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || deadline < current) await this.ctx.storage.setAlarm(deadline);
  }

  /** Runs the sweep for this agent, then sleeps until its next running task could go stale. */
  override async alarm(): Promise<void> {
    const agentId = await this.ctx.storage.get<string>('agentId');
    if (!agentId) return;
    const { nextDeadline } = await sweep(this.env, Date.now(), agentId);
    if (nextDeadline !== null) await this.ctx.storage.setAlarm(nextDeadline + 1000);
    // The sweep may have requeued or failed tasks: followers hear of it now, not at their next
    // tick. After the alarm is set again, so a slow follower can never delay this agent's clock.
    await pokeFollowers(this.env, FEED_FOLLOWERS);
  }
}
