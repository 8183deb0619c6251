import { settings } from '../../drizzle/schema';
import { auditRow } from '../audit/record';
import type { Db } from '../db/client';
import type { SettingKey, SettingsValue } from './schema';

/** The writes that replace one setting and audit the change, to batch together. */
export function settingWrites<K extends SettingKey>(
  db: Db,
  key: K,
  from: SettingsValue[K],
  to: SettingsValue[K],
  by: { actor: string; requestId: string },
) {
  const now = Date.now();
  return [
    db
      .insert(settings)
      .values({ key, value: to, updatedBy: by.actor, updatedAt: now })
      .onConflictDoUpdate({
        target: settings.key,
        set: { value: to, updatedBy: by.actor, updatedAt: now },
      }),
    auditRow(db, {
      ...by,
      action: 'settings.update',
      entityType: 'setting',
      entityId: key,
      summary: { from, to },
    }),
  ] as const;
}
