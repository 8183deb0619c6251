import type { SettingsValue } from '../settings/schema';
import { startOfLocalDay } from './local-time';
import { complete, modelEndpoint } from './model';

/** How a message's text was produced: in the CEO's persona, or raw and why. */
export type VoiceOutcome = 'persona' | 'raw:no_model' | 'raw:budget' | 'raw:timeout' | 'raw:error';

const FALLBACK_PERSONA = 'You are the CEO of this company of AI agents.';

/** The identity field of the CEO agent (role "CEO"), which is the voice's persona. */
export async function ceoPersona(env: Env): Promise<string> {
  const row = await env.DB.prepare(
    `SELECT identity FROM agents WHERE lower(role) = 'ceo' AND archived_at IS NULL
     ORDER BY created_at LIMIT 1`,
  ).first<{ identity: string }>();
  return row?.identity.trim() || FALLBACK_PERSONA;
}

/** What the voice layer has spent today, in the operator's time zone. */
export async function voiceSpentToday(env: Env, now: number, timeZone: string): Promise<number> {
  const row = await env.DB.prepare(
    `SELECT COALESCE(SUM(cost_usd), 0) AS spent FROM spend_ledger
     WHERE purpose = 'voice' AND created_at >= ?`,
  )
    .bind(startOfLocalDay(now, timeZone))
    .first<{ spent: number }>();
  return row?.spent ?? 0;
}

/**
 * Rewrites outgoing text in the CEO's persona with the cheap voice model. The raw text goes
 * out instead when no model is configured, when today's voice budget is used up, or when the
 * model fails or is too slow: a message is never held back by its styling.
 */
export async function voice(
  env: Env,
  settings: SettingsValue,
  raw: string,
  now: number,
): Promise<{ text: string; voice: VoiceOutcome }> {
  const endpoint = modelEndpoint(env, settings);
  if (!endpoint) return { text: raw, voice: 'raw:no_model' };
  const spent = await voiceSpentToday(env, now, settings.briefing.timeZone);
  if (spent >= settings.ceo.voiceDailyBudgetUsd) return { text: raw, voice: 'raw:budget' };
  try {
    const text = await complete(env, endpoint, {
      purpose: 'voice',
      model: settings.defaultModels.voice,
      timeoutMs: settings.ceo.voiceTimeoutMs,
      messages: [
        {
          role: 'system',
          content: `${await ceoPersona(env)}\n\nRewrite the operator's notification below in your own voice. Keep every fact, number, name and link; add nothing; plain text, no greeting.`,
        },
        { role: 'user', content: raw },
      ],
    });
    return { text, voice: 'persona' };
  } catch (error) {
    const timedOut =
      error instanceof Error && /timeout|timed out|abort/i.test(`${error.name} ${error.message}`);
    return { text: raw, voice: timedOut ? 'raw:timeout' : 'raw:error' };
  }
}
