import { OpenAPIHono, z } from '@hono/zod-openapi';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import type { NotificationType } from '../notifications/catalog';
import { detectProviders } from './providers';
import { settingWrites } from './save';
import { type SettingKey, Settings, SettingsPatch } from './schema';
import { readSettings } from './store';

const Provider = z.object({
  provider: z.string(),
  configured: z.boolean(),
  variables: z.array(z.string()),
  missing: z.array(z.string()),
});

const SettingsView = z.object({ settings: Settings, providers: z.array(Provider) });

const getSettings = defineRoute('admin', {
  operationId: 'getSettings',
  method: 'get',
  path: '/api/settings',
  tags: ['Settings'],
  summary: 'Settings in force, and which model providers have credentials (never their values)',
  responses: { 200: jsonResponse(SettingsView, 'Settings and provider detection.') },
});

const patchSettings = defineRoute('admin', {
  operationId: 'updateSettings',
  method: 'patch',
  path: '/api/settings',
  tags: ['Settings'],
  summary:
    'Change settings; each named setting is replaced whole (notificationRules: only the kinds named) and audited',
  request: { body: jsonBody(SettingsPatch) },
  responses: { 200: jsonResponse(SettingsView, 'Settings after the change.') },
});

export const settingsRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

settingsRoutes.openapi(getSettings, async (c) =>
  c.json({ settings: await readSettings(c.env), providers: detectProviders(c.env) }, 200),
);

settingsRoutes.openapi(patchSettings, async (c) => {
  const patch = c.req.valid('json');
  const current = await readSettings(c.env);
  // The rules table is edited kind by kind: the kinds a patch names change, the rest keep theirs.
  if (patch.notificationRules) {
    const named = Object.keys(
      ((await c.req.json()) as { notificationRules: object }).notificationRules,
    );
    patch.notificationRules = {
      ...current.notificationRules,
      ...Object.fromEntries(
        named.map((kind) => [kind, patch.notificationRules?.[kind as NotificationType]]),
      ),
    };
  }
  const changed = (Object.keys(patch) as SettingKey[]).filter(
    (key) =>
      patch[key] !== undefined && JSON.stringify(patch[key]) !== JSON.stringify(current[key]),
  );
  if (changed.length) {
    const db = database(c.env);
    const by = { actor: c.get('user').email, requestId: c.get('requestId') };
    const writes = changed.flatMap((key) =>
      settingWrites(db, key, current[key], patch[key] as never, by),
    );
    await db.batch(writes as [(typeof writes)[0], ...typeof writes]);
  }
  return c.json({ settings: await readSettings(c.env), providers: detectProviders(c.env) }, 200);
});
