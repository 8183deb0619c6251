import { DurableObject } from 'cloudflare:workers';
import { applyChange, type ChangeRequest, type ChangeResult } from '../worker/agents/store';
import { pokeFollowers } from '../worker/events/subscribers';
import { ApiError, type ErrorCode, type FieldProblem } from '../worker/http/errors';
import { sweep } from '../worker/tasks/sweep';
import { FEED_FOLLOWERS } from './followers';

/** Errors cross the RPC boundary as data: class identity does not survive it. */
export type AgentChangeOutcome =
  | { ok: true; result: ChangeResult }
  | {
      ok: false;
      status: number;
      code: ErrorCode;
      message: string;
      fields?: FieldProblem[] | undefined;
    };

/**
 * One per agent (named by the agent's id). Every config write for the agent goes through
 * `change`, one at a time, so revision numbers are dense and never collide. Its alarm
 * watches the agent's running tasks and requeues or fails the ones whose runner went quiet.
 */
export class AgentDO extends DurableObject<Env> {
  private tail: Promise<unknown> = Promise.resolve();

  /** Applies one change after every change submitted before it has finished. */
  async change(request: ChangeRequest): Promise<AgentChangeOutcome> {
    // D1 calls are outgoing I/O, so the runtime would interleave requests between them;
    // chaining on `tail` keeps writes strictly one after another.
    const run = this.tail.then(() => applyChange(this.env, request));
    this.tail = run.catch(() => undefined);
    try {
      return { ok: true, result: await run };
    } catch (error) {
      if (error instanceof ApiError) {
        return {
          ok: false,
          status: error.status,
          code: error.code,
          message: error.message,
          fields: error.fields,
        };
      }
      throw error;
    }
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
