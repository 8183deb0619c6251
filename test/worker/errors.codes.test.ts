import { env } from 'cloudflare:workers';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { describe, expect, it } from 'vitest';
import type { HonoEnv } from '../../worker/env';
import {
  attempt,
  DomainError,
  ERROR_CODES,
  fail,
  type Outcome,
  ok,
  unwrap,
} from '../../worker/errors';
import { ApiError, handleError, statusFor } from '../../worker/http/errors';
import { createAgent, patch } from './agents/support';
import { call, errorOf } from './support/client';

describe('error codes and their HTTP statuses', () => {
  it('gives every code exactly one status, the one clients have always seen', () => {
    expect(Object.keys(statusFor).sort()).toEqual([...ERROR_CODES].sort());
    expect(statusFor).toEqual({
      invalid_json: 400,
      validation_failed: 400,
      bad_request: 400,
      unauthenticated: 401,
      forbidden: 403,
      csrf_rejected: 403,
      not_found: 404,
      conflict: 409,
      unprocessable: 422,
      payload_too_large: 413,
      unsupported_media_type: 415,
      upgrade_required: 426,
      rate_limited: 429,
      internal: 500,
      upstream_failed: 502,
      misconfigured: 503,
      overloaded: 503,
    });
  });

  it('derives an ApiError’s status from its code, and keeps its fields and cause', () => {
    const cause = new Error('D1 said no');
    const fields = [{ field: 'slug', in: 'body' as const, message: 'already taken' }];
    const error = new ApiError('conflict', 'The slug is taken.', { fields, cause });
    expect(error).toBeInstanceOf(DomainError);
    expect(error.status).toBe(409);
    expect(error.code).toBe('conflict');
    expect(error.fields).toEqual(fields);
    expect(error.cause).toBe(cause);
    for (const code of ERROR_CODES) expect(new ApiError(code, 'x').status).toBe(statusFor[code]);
  });

  it('keeps the cause of a DomainError, and has none unless given one', () => {
    const cause = new TypeError('underneath');
    expect(new DomainError('misconfigured', 'no key', { cause }).cause).toBe(cause);
    expect('cause' in new DomainError('not_found', 'gone')).toBe(false);
  });
});

describe('a DomainError thrown in a route', () => {
  const app = new Hono<HonoEnv>();
  app.use(requestId());
  app.get('/refuse', () => {
    throw new DomainError('validation_failed', 'reportsTo: no such agent.', {
      fields: [{ field: 'reportsTo', in: 'body', message: 'no such agent' }],
    });
  });
  app.onError(handleError);

  it('renders the status of its code and the one error shape', async () => {
    const response = await app.request('/refuse');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 'validation_failed',
        message: 'reportsTo: no such agent.',
        requestId: response.headers.get('x-request-id'),
        fields: [{ field: 'reportsTo', in: 'body', message: 'no such agent' }],
      },
    });
  });

  it('answers 404 from a domain module through the real app', async () => {
    const { admin } = await createAgent('codes-found');
    const response = await patch('no-such-agent', admin, { model: 'x' });
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toMatchObject({
      code: 'not_found',
      message: 'No agent with slug "no-such-agent".',
    });
  });
});

describe('Outcome', () => {
  it('turns a DomainError into a failed Outcome, and rethrows anything else', async () => {
    const refused = await attempt(async () => {
      throw new DomainError('conflict', 'already decided');
    });
    expect(refused).toEqual({ ok: false, error: { code: 'conflict', message: 'already decided' } });
    expect(await attempt(async () => 42)).toEqual({ ok: true, value: 42 });
    await expect(
      attempt(async () => {
        throw new Error('a bug');
      }),
    ).rejects.toThrow('a bug');
  });

  it('survives structured clone, and unwraps to the value or a DomainError', () => {
    const fields = [{ field: 'x', in: 'body' as const, message: 'bad' }];
    const failed: Outcome<number> = structuredClone(fail('validation_failed', 'no', fields));
    expect(unwrap(structuredClone(ok(7)))).toBe(7);
    let thrown: unknown;
    try {
      unwrap(failed);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({ code: 'validation_failed', message: 'no', fields });
  });

  it('crosses AgentDO RPC: a change to an archived agent is a conflict, and the API answers 409', async () => {
    const { agent, admin } = await createAgent('codes-archived');
    const archived = await call('/api/agents/codes-archived/archive', {
      method: 'POST',
      cookie: admin,
      json: { reason: 'done' },
    });
    expect(archived.status).toBe(200);
    const stub = env.AGENT.get(env.AGENT.idFromName(agent.id));
    const outcome = await stub.change({
      agentId: agent.id,
      actor: 'admin@test.hq',
      requestId: 'direct',
      patch: { model: 'x' },
      action: 'agent.update',
    });
    expect(outcome).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'Agent codes-archived is archived.' },
    });
    const response = await patch('codes-archived', admin, { model: 'x' });
    expect(response.status).toBe(409);
    expect(await errorOf(response)).toMatchObject({
      code: 'conflict',
      message: 'Agent codes-archived is archived.',
    });
  });

  it('carries field problems across AgentDO RPC to the 400 body', async () => {
    const { admin } = await createAgent('codes-fields');
    const response = await patch('codes-fields', admin, {
      mcpServers: { fresh: { command: 'x', env: { API_KEY: '[REDACTED]' } } },
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).fields).toEqual([
      { field: 'mcpServers.fresh.env.API_KEY', in: 'body', message: 'no stored value to keep' },
    ]);
  });

  it('crosses OfficeDO RPC: moving furniture that does not exist is a 404', async () => {
    const outcome = await env.OFFICE.getByName('office').moveFurniture(
      'sofa',
      { x: 1, z: 1, rotation: 0 },
      'admin@test.hq',
    );
    expect(outcome).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'Cannot move sofa: no furniture sofa in the office.' },
    });
  });
});
