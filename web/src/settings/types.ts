export interface SettingsValue {
  workerSwitch: boolean;
  defaultModels: Record<string, string>;
  thresholds: Record<string, number>;
  briefing: { time: string; timeZone: string };
}

export interface SettingsView {
  settings: SettingsValue;
  providers: { provider: string; configured: boolean; variables: string[]; missing: string[] }[];
}

export interface RoleEntry {
  email: string;
  role: 'viewer' | 'operator' | 'admin' | null;
  source: 'env' | 'granted' | 'revoked';
}
