import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { modelEndpoint } from '../../../worker/ceo/model';
import { Settings } from '../../../worker/settings/schema';
import { call, errorOf, signInAs } from '../support/client';
import { modelRequests } from './support';

const DEPLOYMENT_KEY = 'sk-PLANTED-deployment-openai-key';

/** One call through the endpoint HQ picks, as the local model server saw it. */
async function authorizationSeen(vars: Partial<Env>, model: string): Promise<string | null> {
  const settings = Settings.parse({ modelEndpoint: { baseUrl: inject('models').baseUrl } });
  const endpoint = modelEndpoint({ ...env, ...vars } as Env, settings);
  expect(endpoint?.provider).toBe('openai-compatible');
  await endpoint?.client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'hi' }],
  });
  const [request] = await modelRequests(model);
  return (request as { authorization?: string | null } | undefined)?.authorization ?? null;
}

describe('the deployment’s OpenAI key goes to OpenAI only', () => {
  it('never sends OPENAI_API_KEY to a custom endpoint an admin set in Settings', async () => {
    const seen = await authorizationSeen({ OPENAI_API_KEY: DEPLOYMENT_KEY }, 'keys-no-own-key');
    expect(seen).toBe('Bearer none');
  });

  it('sends the custom endpoint its own key, OPENAI_COMPATIBLE_API_KEY', async () => {
    const seen = await authorizationSeen(
      { OPENAI_API_KEY: DEPLOYMENT_KEY, OPENAI_COMPATIBLE_API_KEY: 'own-endpoint-key' },
      'keys-own-key',
    );
    expect(seen).toBe('Bearer own-endpoint-key');
  });

  it('refuses a plain-http endpoint or Bot API root off this machine, naming the setting', async () => {
    const admin = await signInAs('admin@test.hq');
    for (const [patch, field] of [
      [{ modelEndpoint: { baseUrl: 'http://models.example.com/v1' } }, 'modelEndpoint.baseUrl'],
      [{ telegram: { apiRoot: 'http://bots.example.com' } }, 'telegram.apiRoot'],
    ] as const) {
      const response = await call('/api/settings', { method: 'PATCH', cookie: admin, json: patch });
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error.fields?.[0]).toMatchObject({
        field,
        message: 'must be https (http only for localhost, 127.x.x.x or [::1])',
      });
    }
    for (const baseUrl of [
      'https://models.example.com/v1',
      'http://127.0.0.1:8080/v1',
      'http://localhost:1/v1',
    ]) {
      const response = await call('/api/settings', {
        method: 'PATCH',
        cookie: admin,
        json: { modelEndpoint: { baseUrl } },
      });
      expect(response.status, baseUrl).toBe(200);
    }
  });

  it('lets only an admin change them, and audits each change', async () => {
    const operator = await signInAs('operator@test.hq');
    const refused = await call('/api/settings', {
      method: 'PATCH',
      cookie: operator,
      json: { telegram: { apiRoot: 'https://bots.example.com' } },
    });
    expect(refused.status).toBe(403);
    const admin = await signInAs('admin@test.hq');
    const saved = await call('/api/settings', {
      method: 'PATCH',
      cookie: admin,
      json: { telegram: { apiRoot: 'https://bots.example.com' } },
    });
    expect(saved.status).toBe(200);
    const audit = (await (await call('/api/audit?limit=20', { cookie: admin })).json()) as {
      items: { actor: string; action: string; entityId: string | null }[];
    };
    expect(audit.items).toContainEqual(
      expect.objectContaining({ actor: 'admin@test.hq', entityId: 'telegram' }),
    );
  });
});
