import { env } from 'cloudflare:workers';
import { settings } from '../../../drizzle/schema';
import { database } from '../../../worker/db/client';

/**
 * The tests' bot has a token (vitest.config.ts), so with the default settings it would talk
 * to api.telegram.org. Every test file starts with the Bot API root on a closed local port
 * instead: nothing leaves the machine unless a test points it at the local stand-in
 * (`useTelegram()`). Written like a setting an admin saved, only if none is there yet.
 */
export const CLOSED_BOT_API_ROOT = 'http://127.0.0.1:9';

await database(env)
  .insert(settings)
  .values({
    key: 'telegram',
    value: { apiRoot: CLOSED_BOT_API_ROOT },
    updatedBy: 'test-setup',
    updatedAt: Date.now(),
  })
  .onConflictDoNothing({ target: settings.key })
  .run();
