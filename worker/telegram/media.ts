import { Composer } from 'grammy/web';
import type { BotDeps, HqContext } from './context';

/** Photos, voice notes and documents (filled in by the multimodal work). */
export function media(_deps: BotDeps) {
  return new Composer<HqContext>();
}
