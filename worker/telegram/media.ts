import { Composer, GrammyError } from 'grammy/web';
import type { ConversationInput } from '../ceo/chat/input';
import { base64, documentKind, readDocument } from '../ceo/documents/read';
import { transcribe } from '../ceo/documents/transcribe';
import { modelEndpoint } from '../ceo/model';
import { telegramConfig } from './config';
import type { BotDeps, HqContext } from './context';
import { sendReply } from './messages';

const MB = 1024 * 1024;
/** What the CEO takes in; Telegram itself lets bots download up to 20 MB. */
export const LIMITS = { photo: 5 * MB, voice: 10 * MB, document: 5 * MB } as const;

const size = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
const tooBig = (what: string, bytes: number, limit: number) =>
  `That ${what} is ${size(bytes)}; I take ${what}s up to ${size(limit)}.`;

type Download = { bytes: Uint8Array } | { refusal: string };

/**
 * Downloads a file the update points at, refusing it past `limit` even if the update
 * under-reported it: by the size Telegram declares for the file, or the bytes that came.
 */
async function download(
  deps: BotDeps,
  ctx: HqContext,
  fileId: string,
  what: string,
  limit: number,
): Promise<Download> {
  const config = telegramConfig(deps.env, deps.settings);
  if (!config) throw new Error('Telegram is not set up');
  // Telegram refuses getFile past the 20 MB bots may download ("file is too big"): its size
  // is then unknown here, so the reply names the reason instead.
  const file = await ctx.api.getFile(fileId).catch((error: unknown) => {
    if (error instanceof GrammyError) return error;
    throw error;
  });
  if (file instanceof GrammyError)
    return { refusal: `Telegram would not hand that ${what} over (${file.description}).` };
  if (file.file_size !== undefined && file.file_size > limit)
    return { refusal: tooBig(what, file.file_size, limit) };
  if (!file.file_path) return { refusal: `Telegram gave me no way to download that ${what}.` };
  const response = await fetch(`${config.apiRoot}/file/bot${config.token}/${file.file_path}`);
  if (!response.ok) throw new Error(`the file download answered ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return bytes.length > limit ? { refusal: tooBig(what, bytes.length, limit) } : { bytes };
}

/**
 * Photos go to the vision model, voice notes are transcribed, documents (text, markdown,
 * PDF) are read and summarised, all as turns of the same conversation, in the CEO's voice.
 * Oversized or unsupported files get a clear reply, before anything is downloaded.
 */
export function media(deps: BotDeps) {
  const composer = new Composer<HqContext>();
  const turn = (ctx: HqContext, text: string, extra: Partial<ConversationInput>) =>
    deps.converse({
      channel: 'telegram',
      operator: ctx.operator ?? { email: '', role: 'viewer' },
      text,
      key: `tg-${ctx.update.update_id}`,
      at: deps.now,
      ...extra,
    });
  const say = async (ctx: HqContext, text: string) => {
    await ctx.reply(text);
  };
  const noModel = (what: string) =>
    `I need a model to ${what}, and none is configured. An admin can set one in Settings.`;

  composer.on('message:photo', async (ctx) => {
    const photo = ctx.message.photo.at(-1);
    if (!photo) return;
    if ((photo.file_size ?? 0) > LIMITS.photo)
      return say(ctx, tooBig('photo', photo.file_size ?? 0, LIMITS.photo));
    if (!modelEndpoint(deps.env, deps.settings)) return say(ctx, noModel('look at photos'));
    const got = await download(deps, ctx, photo.file_id, 'photo', LIMITS.photo);
    if ('refusal' in got) return say(ctx, got.refusal);
    const caption = ctx.message.caption?.trim();
    const reply = await turn(ctx, `[photo]${caption ? ` ${caption}` : ''}`, {
      prompt: caption || 'What is in this picture, and does it matter for the company?',
      // Telegram re-encodes every photo it stores as JPEG (other formats arrive as documents).
      images: [`data:image/jpeg;base64,${base64(got.bytes)}`],
    });
    await sendReply(ctx, reply, deps);
  });

  composer.on(['message:voice', 'message:audio'], async (ctx) => {
    const audio = ctx.message.voice ?? ctx.message.audio;
    if (!audio) return;
    if ((audio.file_size ?? 0) > LIMITS.voice)
      return say(ctx, tooBig('voice note', audio.file_size ?? 0, LIMITS.voice));
    const endpoint = modelEndpoint(deps.env, deps.settings);
    if (!endpoint) return say(ctx, noModel('listen to voice notes'));
    const got = await download(deps, ctx, audio.file_id, 'voice note', LIMITS.voice);
    if ('refusal' in got) return say(ctx, got.refusal);
    const mime = audio.mime_type ?? 'audio/ogg';
    const heard = await transcribe(deps.env, endpoint, deps.settings.defaultModels.transcription, {
      bytes: got.bytes,
      name: mime.includes('ogg') ? 'voice.ogg' : 'audio.mp3',
      mime,
      seconds: audio.duration,
    });
    if (!heard) return say(ctx, 'I could not make out any words in that voice note.');
    const reply = await turn(ctx, `[voice] ${heard}`, { prompt: heard });
    await sendReply(ctx, { ...reply, text: `🎙 “${heard}”\n\n${reply.text}` }, deps);
  });

  composer.on('message:document', async (ctx) => {
    const doc = ctx.message.document;
    const name = doc.file_name ?? 'document';
    const kind = documentKind(doc.mime_type ?? '', name);
    if (typeof kind === 'object') return say(ctx, `${kind.unsupported}.`);
    if ((doc.file_size ?? 0) > LIMITS.document)
      return say(ctx, tooBig('document', doc.file_size ?? 0, LIMITS.document));
    if (!modelEndpoint(deps.env, deps.settings)) return say(ctx, noModel('read documents'));
    const got = await download(deps, ctx, doc.file_id, 'document', LIMITS.document);
    if ('refusal' in got) return say(ctx, got.refusal);
    const read = await readDocument(got.bytes, doc.mime_type ?? '', name);
    if (read.kind === 'unsupported') return say(ctx, `${read.why}.`);
    const caption = ctx.message.caption?.trim();
    const ask = `Summarise this document for me in a few lines${caption ? `, with this in mind: ${caption}` : ''}.`;
    const reply =
      read.kind === 'text'
        ? await turn(ctx, `[document ${name}]${caption ? ` ${caption}` : ''}`, {
            prompt: `${ask}\n\n<document name="${name}"${read.truncated ? ' truncated="true"' : ''}>\n${read.text}\n</document>`,
          })
        : await turn(ctx, `[document ${name}]${caption ? ` ${caption}` : ''}`, {
            prompt: ask,
            files: [{ name, dataUrl: read.dataUrl }],
          });
    await sendReply(ctx, reply, deps);
  });
  return composer;
}
