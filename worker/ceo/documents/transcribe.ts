import { spendLedger } from '../../../drizzle/schema';
import { database } from '../../db/client';
import type { ModelEndpoint } from '../model';

/** US dollars per minute of audio (OpenAI's transcription price). */
const PER_MINUTE_USD = 0.006;

/** A voice note as text, through the endpoint's transcription model; the spend is recorded. */
export async function transcribe(
  env: Env,
  endpoint: ModelEndpoint,
  model: string,
  audio: { bytes: Uint8Array; name: string; mime: string; seconds: number },
): Promise<string> {
  const file = new File([new Uint8Array(audio.bytes)], audio.name, { type: audio.mime });
  const result = await endpoint.client.audio.transcriptions.create(
    { file, model },
    { timeout: 60_000, signal: AbortSignal.timeout(60_000) },
  );
  await database(env)
    .insert(spendLedger)
    .values({
      agentId: null,
      provider: endpoint.provider,
      model,
      purpose: 'transcription',
      costUsd: (Math.max(audio.seconds, 1) / 60) * PER_MINUTE_USD,
      costSource: 'builtin',
      createdAt: Date.now(),
    });
  return result.text.trim();
}
