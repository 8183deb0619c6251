import type { GetOk, Schema } from '../api/schema';

/** Every setting, as GET /api/settings answers it. */
export type SettingsValue = Schema<'Settings'>;

/** The settings and which model providers have their keys. */
export type SettingsView = GetOk<'/api/settings'>;

export type RoleEntry = Schema<'RoleEntry'>;
