import { settings } from '../../drizzle/schema';
import { database } from '../db/client';
import { SETTING_KEYS, Settings, type SettingsValue } from './schema';

/** The settings in force: stored values over defaults. A stored value that no longer parses falls back. */
export async function readSettings(env: Env): Promise<SettingsValue> {
  return settingsFrom(await database(env).select().from(settings).all());
}

/**
 * The settings in force from the stored rows, for a caller that read them in a batch of its
 * own (an approval reads them with the mission, one round trip).
 */
export function settingsFrom(rows: { key: string; value: unknown }[]): SettingsValue {
  const stored = Object.fromEntries(
    rows
      .filter((row) => (SETTING_KEYS as string[]).includes(row.key))
      .map((row) => [row.key, row.value]),
  );
  const parsed = Settings.safeParse(stored);
  if (parsed.success) return parsed.data;
  const fallback = Object.fromEntries(
    SETTING_KEYS.map((key) => {
      const one = Settings.shape[key].safeParse(stored[key]);
      return [key, one.success ? one.data : Settings.shape[key].parse(undefined)];
    }),
  );
  return fallback as SettingsValue;
}
