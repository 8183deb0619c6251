import { beforeAll, describe, expect, inject, it } from 'vitest';
import { modelRequests, patchSettings, script } from '../ceo/support';
import { botCalls, linkChat, messageUpdate, said, send, serveFile, useTelegram } from './support';

const MB = 1024 * 1024;
const MODELS = { chat: 'chat-media-limits', transcription: 'whisper-media-limits' };
let chat: number;

const voice = (fileId: string, fileSize?: number) =>
  messageUpdate(chat, {
    voice: { file_id: fileId, file_unique_id: `u-${fileId}`, duration: 3, file_size: fileSize },
  });
const documentOf = (fileId: string, name: string, mime: string, fileSize?: number) =>
  messageUpdate(chat, {
    document: {
      file_id: fileId,
      file_unique_id: `u-${fileId}`,
      file_name: name,
      mime_type: mime,
      file_size: fileSize,
    },
  });
const lastSaid = async () => (await said(chat)).at(-1);
const getFiles = async () => (await botCalls(chat, 'getFile')).length;

beforeAll(async () => {
  await useTelegram();
  await patchSettings({
    modelEndpoint: { baseUrl: inject('models').baseUrl },
    defaultModels: {
      ...MODELS,
      vision: 'vision-media-limits',
      voice: 'voice-media-limits',
      executor: 'executor-media-limits',
    },
  });
  chat = await linkChat('operator@test.hq');
});

describe('documents and voice notes at the limits', () => {
  it('summarises a plain-text document from its text', async () => {
    await serveFile(
      'doc-txt',
      'docs/notes.txt',
      new TextEncoder().encode('Call the bank Tuesday.'),
    );
    await script(MODELS.chat, [{ text: 'A reminder to call the bank on Tuesday.' }]);
    await send(documentOf('doc-txt', 'notes.txt', 'text/plain', 22));
    const request = (await modelRequests(MODELS.chat)).at(-1)?.body as {
      messages: { role: string; content: string }[];
    };
    const prompt = request.messages.at(-1)?.content ?? '';
    expect(prompt).toContain('<document name="notes.txt">');
    expect(prompt).toContain('Call the bank Tuesday.');
    expect(await lastSaid()).toBe('A reminder to call the bank on Tuesday.');
  });

  it('refuses a voice note and a document by the size the update declares, downloading nothing', async () => {
    const before = await getFiles();
    await send(voice('voice-huge', Math.round(12.5 * MB)));
    expect(await lastSaid()).toBe('That voice note is 12.5 MB; I take voice notes up to 10.0 MB.');
    await send(documentOf('doc-huge', 'big.md', 'text/markdown', 7 * MB));
    expect(await lastSaid()).toBe('That document is 7.0 MB; I take documents up to 5.0 MB.');
    expect(await getFiles()).toBe(before);
  });

  it('refuses by the real size Telegram declares when the update under-reported it', async () => {
    const bytes = new TextEncoder().encode('not really that big');
    await serveFile('voice-under', 'voice/under.oga', bytes, 11 * MB);
    await serveFile('doc-under', 'docs/under.md', bytes, 6 * MB);
    const heard = (await modelRequests(MODELS.transcription)).length;
    await send(voice('voice-under', 100));
    expect(await lastSaid()).toBe('That voice note is 11.0 MB; I take voice notes up to 10.0 MB.');
    await send(documentOf('doc-under', 'under.md', 'text/markdown', 100));
    expect(await lastSaid()).toBe('That document is 6.0 MB; I take documents up to 5.0 MB.');
    expect((await modelRequests(MODELS.transcription)).length).toBe(heard);
  });

  it('says why, without a made-up size, when Telegram will not hand a file over', async () => {
    await send(voice('voice-missing'));
    expect(await lastSaid()).toBe(
      'Telegram would not hand that voice note over (Bad Request: invalid file_id).',
    );
    await send(documentOf('doc-missing', 'lost.pdf', 'application/pdf'));
    expect(await lastSaid()).toBe(
      'Telegram would not hand that document over (Bad Request: invalid file_id).',
    );
  });
});
