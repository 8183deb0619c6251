import { z } from '@hono/zod-openapi';
import {
  DEFAULT_TIER_RULES,
  NOTIFICATION_TIERS,
  NOTIFICATION_TYPES,
  type NotificationType,
} from '../notifications/catalog';

const Model = z.string().trim().min(1).max(120);

/** Hosts that are this machine: plain http to them never crosses a network. */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * A server HQ sends a credential to (a model key, the bot token): https, or http to this
 * machine only (local development), so the credential never crosses a network in clear.
 */
const SafeEndpoint = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(500)
  .refine(
    // Zod runs this even after the URL check failed: a non-URL is that check's problem.
    (url) => !URL.canParse(url) || url.startsWith('https:') || LOOPBACK.test(new URL(url).hostname),
    'must be https (http only for localhost, 127.x.x.x or [::1])',
  );

const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'not an IANA time zone (e.g. Europe/Paris)');

const TierRule = z.strictObject({ tier: z.enum(NOTIFICATION_TIERS), lowSignal: z.boolean() });

/** Every operator-editable setting, with its rules and its default. */
export const settingsShape = {
  workerSwitch: z
    .boolean()
    .describe('Global worker switch: off means no task is assigned.')
    .default(true),
  defaultModels: z
    .strictObject({
      chat: Model,
      voice: Model,
      vision: Model,
      transcription: Model,
      executor: Model,
    })
    .default({
      chat: 'gpt-4.1-mini',
      voice: 'gpt-4.1-nano',
      vision: 'gpt-4.1-mini',
      transcription: 'whisper-1',
      executor: 'gpt-4.1',
    }),
  thresholds: z
    .strictObject({
      dispatchDriftMinutes: z.number().int().min(1).max(10_080),
      workerLagMinutes: z.number().int().min(1).max(10_080),
      budgetHeadroomPercent: z.number().min(0).max(100),
      reviewQueueDepth: z.number().int().min(1).max(10_000),
      agentCooldowns: z.number().int().min(1).max(1_000),
      worktreeCongestion: z.number().int().min(1).max(1_000),
      failureRatePercent: z.number().min(0).max(100),
      stalenessHours: z.number().min(1).max(48),
      // Added with issue 16: its own default, so thresholds stored before it still parse.
      stuckTaskMinutes: z
        .number()
        .int()
        .min(1)
        .max(10_080)
        .default(30)
        .describe('A task stuck at a gate (GET /api/tasks/stuck) this long in its state is named.'),
    })
    .describe('Thresholds of the CEO’s proactive ops scan.')
    .default({
      dispatchDriftMinutes: 30,
      workerLagMinutes: 10,
      budgetHeadroomPercent: 15,
      reviewQueueDepth: 5,
      agentCooldowns: 1,
      worktreeCongestion: 8,
      failureRatePercent: 30,
      stalenessHours: 40,
      stuckTaskMinutes: 30,
    }),
  workLoop: z
    .strictObject({
      heartbeatTimeoutSeconds: z.number().int().min(5).max(86_400),
      maxRequeues: z.number().int().min(0).max(20),
      failuresBeforeCooldown: z.number().int().min(1).max(100),
      cooldownMinutes: z.number().int().min(1).max(10_080),
      maxTaskAgeHours: z.number().min(1).max(720),
    })
    .describe('Task timeouts, requeues and agent cooldowns.')
    .default({
      heartbeatTimeoutSeconds: 300,
      maxRequeues: 3,
      failuresBeforeCooldown: 3,
      cooldownMinutes: 30,
      maxTaskAgeHours: 48,
    }),
  review: z
    .strictObject({
      policy: z
        .enum(['human_decides', 'reviewer_sends_back'])
        .describe(
          'human_decides: the reviewer agent reviews first and a person decides. reviewer_sends_back: its "request changes" sends the task back by itself, up to roundsCap times.',
        ),
      roundsCap: z.number().int().min(0).max(20),
      mergeWhenReviewerApproves: z
        .boolean()
        .describe(
          'Merge with no human approval when the reviewer agent approves and the scope is clean. Off by default.',
        ),
    })
    .describe(
      'The reviewer agent’s first pass: who decides after it, and how many rounds it may send back.',
    )
    .default({ policy: 'human_decides', roundsCap: 2, mergeWhenReviewerApproves: false }),
  briefing: z
    .strictObject({
      time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM, 24-hour'),
      timeZone: TimeZone,
    })
    .default({ time: '07:30', timeZone: 'UTC' }),
  modelEndpoint: z
    .strictObject({
      baseUrl: SafeEndpoint.nullable(),
    })
    .describe(
      'Where the CEO’s models are reached: any OpenAI-compatible base URL, https (http only on this machine), called with OPENAI_COMPATIBLE_API_KEY. OPENAI_API_KEY goes to OpenAI only. Null: OPENAI_COMPATIBLE_BASE_URL, else OpenAI itself when OPENAI_API_KEY is set, else no model.',
    )
    .default({ baseUrl: null }),
  telegram: z
    .strictObject({
      apiRoot: SafeEndpoint.nullable(),
    })
    .describe(
      'The Telegram Bot API server (it receives the bot token): null for Telegram’s own, or the root of a self-hosted telegram-bot-api, https (http only on this machine).',
    )
    .default({ apiRoot: null }),
  notificationRules: z
    .strictObject(
      // Each kind defaults on its own: a PATCH may name only the kinds it changes, and a kind
      // added in a later version gets its default instead of invalidating stored rules.
      Object.fromEntries(
        NOTIFICATION_TYPES.map((type) => [type, TierRule.default(DEFAULT_TIER_RULES[type])]),
      ) as Record<NotificationType, z.ZodDefault<typeof TierRule>>,
    )
    .describe(
      'Which tier each kind of event gets (IMMEDIATE, DIGEST or SILENT), and whether it is low-signal (weighed by the digest quality gate).',
    )
    .default(DEFAULT_TIER_RULES),
  rateLimits: z
    .strictObject({
      signInStartsPerMinute: z.number().int().min(1).max(10_000),
      chatTurnsPerHour: z.number().int().min(1).max(10_000),
      mediaPerHour: z.number().int().min(1).max(10_000),
      linkCodeAttemptsPerHour: z.number().int().min(1).max(1_000),
    })
    .describe(
      'Rate limits (429 with Retry-After past them): sign-in starts per client IP per minute; chat turns with the CEO per person per hour (web and Telegram together); photos, voice notes and documents per person per hour; Telegram /start CODE attempts per chat per hour.',
    )
    .default({
      signInStartsPerMinute: 20,
      chatTurnsPerHour: 120,
      mediaPerHour: 30,
      linkCodeAttemptsPerHour: 10,
    }),
  ceo: z
    .strictObject({
      voiceDailyBudgetUsd: z.number().min(0).max(1_000),
      voiceTimeoutMs: z.number().int().min(100).max(120_000),
      immediateDedupMinutes: z.number().int().min(0).max(1_440),
      findingRepeatHours: z.number().min(0).max(168),
      memoryIdleMinutes: z.number().int().min(1).max(1_440),
    })
    .describe('The CEO’s voice budget, dedup windows and when a conversation counts as over.')
    .default({
      voiceDailyBudgetUsd: 0.5,
      voiceTimeoutMs: 8_000,
      immediateDedupMinutes: 30,
      findingRepeatHours: 6,
      memoryIdleMinutes: 30,
    }),
};

export const Settings = z.object(settingsShape).openapi('Settings');
export type SettingsValue = z.infer<typeof Settings>;
export type SettingKey = keyof SettingsValue;
export const SETTING_KEYS = Object.keys(settingsShape) as SettingKey[];

/** A PATCH names only the settings it changes; each is replaced whole. */
export const SettingsPatch = z
  .strictObject(
    Object.fromEntries(
      Object.entries(settingsShape).map(([key, schema]) => [
        key,
        schema.removeDefault().optional(),
      ]),
    ) as {
      [K in SettingKey]: z.ZodOptional<ReturnType<(typeof settingsShape)[K]['removeDefault']>>;
    },
  )
  .openapi('SettingsPatch');
