import type { NotificationType, TierRule } from '../../../worker/notifications/catalog';

export interface SettingsValue {
  workerSwitch: boolean;
  defaultModels: Record<string, string>;
  thresholds: Record<string, number>;
  briefing: { time: string; timeZone: string };
  notificationRules: Record<NotificationType, TierRule>;
  ceo: {
    voiceDailyBudgetUsd: number;
    voiceTimeoutMs: number;
    immediateDedupMinutes: number;
    findingRepeatHours: number;
    memoryIdleMinutes: number;
  };
  workLoop: {
    heartbeatTimeoutSeconds: number;
    maxRequeues: number;
    failuresBeforeCooldown: number;
    cooldownMinutes: number;
    maxTaskAgeHours: number;
  };
  rateLimits: {
    signInStartsPerMinute: number;
    chatTurnsPerHour: number;
    mediaPerHour: number;
    linkCodeAttemptsPerHour: number;
  };
  modelEndpoint: { baseUrl: string | null };
  review: {
    policy: 'human_decides' | 'reviewer_sends_back';
    roundsCap: number;
    mergeWhenReviewerApproves: boolean;
  };
  telegram: { apiRoot: string | null };
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
