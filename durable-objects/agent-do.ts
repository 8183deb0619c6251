import { DurableObject } from 'cloudflare:workers';
import { applyChange, type ChangeRequest, type ChangeResult } from '../worker/agents/store';
import { ApiError, type ErrorCode, type FieldProblem } from '../worker/http/errors';

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
 * `change`, one at a time, so revision numbers are dense and never collide.
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
}
