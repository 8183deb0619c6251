import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { modelRequests, noModel, patchSettings, script } from '../ceo/support';
import { call, signInAs } from '../support/client';
import { botCalls, linkChat, messageUpdate, said, send, serveFile, useTelegram } from './support';

const MODELS = { chat: 'chat-media', vision: 'vision-media', transcription: 'whisper-media' };
let chat: number;

async function useMediaModels() {
  await patchSettings({
    modelEndpoint: { baseUrl: inject('models').baseUrl },
    defaultModels: { ...MODELS, voice: 'voice-media', executor: 'executor-media' },
  });
}

/** A one-page PDF whose text layer says `text`, its content stream Flate-compressed. */
async function pdfWithText(text: string): Promise<Uint8Array> {
  const content = new TextEncoder().encode(`BT /F1 12 Tf 72 720 Td (${text}) Tj ET`);
  const stream = new Blob([content]).stream().pipeThrough(new CompressionStream('deflate'));
  const packed = new Uint8Array(await new Response(stream).arrayBuffer());
  const head = `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n4 0 obj << /Length ${packed.length} /Filter /FlateDecode >>\nstream\n`;
  const tail = '\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n';
  const enc = new TextEncoder();
  return new Uint8Array([...enc.encode(head), ...packed, ...enc.encode(tail)]);
}

const lastRequest = async (model: string) =>
  (await modelRequests(model)).at(-1)?.body as {
    model: string;
    messages: {
      role: string;
      content:
        | string
        | {
            type: string;
            text?: string;
            image_url?: { url: string };
            file?: { filename: string; file_data: string };
          }[];
    }[];
  };
const userContent = async (model: string) => (await lastRequest(model))?.messages.at(-1)?.content;

const PERSONA = 'You are Ada, the CEO of this company. Speak plainly and briefly.';

beforeAll(async () => {
  await useTelegram();
  chat = await linkChat('operator@test.hq');
  // The CEO agent's identity is the voice every answer is given in, media included.
  const admin = await signInAs('admin@test.hq');
  const hired = await call('/api/agents', {
    method: 'POST',
    cookie: admin,
    json: {
      name: 'Ada',
      slug: 'media-ceo',
      type: 'LEAD',
      role: 'CEO',
      identity: PERSONA,
      model: 'm',
      provider: 'openai',
    },
  });
  expect(hired.status, await hired.clone().text()).toBe(201);
});

/** The system message the model got last: the CEO's persona comes first. */
const systemPrompt = async (model: string) => {
  const first = (await lastRequest(model))?.messages[0];
  expect(first?.role).toBe('system');
  return String(first?.content);
};

describe('photos, voice notes and documents', () => {
  it('shows a photo to the vision model, in the conversation', async () => {
    await useMediaModels();
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
    await serveFile('photo-a', 'photos/a.jpg', jpeg);
    await script(MODELS.vision, [{ text: 'A whiteboard with the Q3 plan.' }]);
    await send(
      messageUpdate(chat, {
        photo: [
          {
            file_id: 'photo-a',
            file_unique_id: 'ua',
            width: 90,
            height: 90,
            file_size: jpeg.length,
          },
        ],
        caption: 'what is this?',
      }),
    );
    const content = await userContent(MODELS.vision);
    expect(content).toEqual([
      { type: 'text', text: 'what is this?' },
      {
        type: 'image_url',
        image_url: { url: `data:image/jpeg;base64,${btoa(String.fromCharCode(...jpeg))}` },
      },
    ]);
    expect((await said(chat)).at(-1)).toBe('A whiteboard with the Q3 plan.');
    expect(await systemPrompt(MODELS.vision)).toMatch(new RegExp(`^${PERSONA}`));
    const recorded = await env.DB.prepare(
      `SELECT content FROM conversation_messages WHERE content = '[photo] what is this?'`,
    ).first();
    expect(recorded).not.toBeNull();
  });

  it('transcribes a voice note, answers it, and shows what it heard', async () => {
    await useMediaModels();
    await serveFile('voice-a', 'voice/a.oga', new Uint8Array(2048).fill(7));
    await script(MODELS.transcription, [{ text: 'How much did we spend this week?' }]);
    await script(MODELS.chat, [{ text: 'About twelve dollars.' }]);
    await send(
      messageUpdate(chat, {
        voice: {
          file_id: 'voice-a',
          file_unique_id: 'va',
          duration: 4,
          mime_type: 'audio/ogg',
          file_size: 2048,
        },
      }),
    );
    const transcription = (await modelRequests(MODELS.transcription)).at(-1);
    expect(transcription?.path).toBe('/v1/audio/transcriptions');
    expect(transcription?.body).toMatchObject({
      model: MODELS.transcription,
      file: { filename: 'voice.ogg', size: 2048 },
    });
    expect(await userContent(MODELS.chat)).toBe('How much did we spend this week?');
    expect(await systemPrompt(MODELS.chat)).toMatch(new RegExp(`^${PERSONA}`));
    expect((await said(chat)).at(-1)).toBe(
      '🎙 “How much did we spend this week?”\n\nAbout twelve dollars.',
    );
    const spend = await env.DB.prepare(
      `SELECT cost_usd AS cost FROM spend_ledger WHERE purpose = 'transcription' AND model = ?`,
    )
      .bind(MODELS.transcription)
      .first<{ cost: number }>();
    expect(spend?.cost).toBeCloseTo((4 / 60) * 0.006, 8);
  });

  it('summarises markdown and PDF documents from their text', async () => {
    await useMediaModels();
    await serveFile(
      'doc-md',
      'docs/plan.md',
      new TextEncoder().encode('# Plan\n\nShip the billing page by Friday.'),
    );
    await script(MODELS.chat, [
      { text: 'The plan: billing page by Friday.' },
      { text: 'The invoice is due in March.' },
    ]);
    await send(
      messageUpdate(chat, {
        document: {
          file_id: 'doc-md',
          file_unique_id: 'dm',
          file_name: 'plan.md',
          mime_type: 'text/markdown',
          file_size: 40,
        },
      }),
    );
    expect(await userContent(MODELS.chat)).toContain(
      '<document name="plan.md">\n# Plan\n\nShip the billing page by Friday.\n</document>',
    );
    expect((await said(chat)).at(-1)).toBe('The plan: billing page by Friday.');

    const pdf = await pdfWithText('Invoice 42 is due on 3 March');
    await serveFile('doc-pdf', 'docs/invoice.pdf', pdf);
    await send(
      messageUpdate(chat, {
        document: {
          file_id: 'doc-pdf',
          file_unique_id: 'dp',
          file_name: 'invoice.pdf',
          mime_type: 'application/pdf',
          file_size: pdf.length,
        },
        caption: 'when is it due?',
      }),
    );
    const content = String(await userContent(MODELS.chat));
    expect(content).toContain('with this in mind: when is it due?');
    expect(content).toContain(
      '<document name="invoice.pdf">\nInvoice 42 is due on 3 March\n</document>',
    );
  });

  it('hands a PDF without a text layer to the model as a file', async () => {
    await useMediaModels();
    const scanned = new TextEncoder().encode(
      '%PDF-1.4\n1 0 obj << /Type /XObject /Subtype /Image /Length 3 >>\nstream\nabc\nendstream\nendobj\n%%EOF',
    );
    await serveFile('doc-scan', 'docs/scan.pdf', scanned);
    await script(MODELS.chat, [{ text: 'It is a scanned receipt.' }]);
    await send(
      messageUpdate(chat, {
        document: {
          file_id: 'doc-scan',
          file_unique_id: 'ds',
          file_name: 'scan.pdf',
          mime_type: 'application/pdf',
          file_size: scanned.length,
        },
      }),
    );
    const content = (await userContent(MODELS.chat)) as {
      type: string;
      file?: { filename: string; file_data: string };
    }[];
    expect(content[1]).toEqual({
      type: 'file',
      file: {
        filename: 'scan.pdf',
        file_data: expect.stringMatching(/^data:application\/pdf;base64,JVBERi0x/),
      },
    });
  });

  it('refuses oversized and unsupported files with a clear reply, downloading nothing', async () => {
    await useMediaModels();
    const getFiles = (await botCalls(chat, 'getFile')).length;
    await send(
      messageUpdate(chat, {
        photo: [
          {
            file_id: 'huge',
            file_unique_id: 'h',
            width: 9000,
            height: 9000,
            file_size: 6 * 1024 * 1024,
          },
        ],
      }),
    );
    expect((await said(chat)).at(-1)).toBe('That photo is 6.0 MB; I take photos up to 5.0 MB.');
    await send(
      messageUpdate(chat, {
        document: {
          file_id: 'zip',
          file_unique_id: 'z',
          file_name: 'code.zip',
          mime_type: 'application/zip',
          file_size: 100,
        },
      }),
    );
    expect((await said(chat)).at(-1)).toBe(
      'I read text, markdown and PDF documents; code.zip is application/zip.',
    );
    await send(
      messageUpdate(chat, {
        sticker: {
          file_id: 's',
          file_unique_id: 's',
          type: 'regular',
          width: 1,
          height: 1,
          is_animated: false,
          is_video: false,
        },
      }),
    );
    expect((await said(chat)).at(-1)).toBe(
      'I read text, photos, voice notes and documents (text, markdown or PDF).',
    );
    expect((await botCalls(chat, 'getFile')).length).toBe(getFiles);
  });

  it('says a model is needed when none is configured', async () => {
    await noModel();
    await send(
      messageUpdate(chat, {
        voice: { file_id: 'voice-b', file_unique_id: 'vb', duration: 2, file_size: 10 },
      }),
    );
    expect((await said(chat)).at(-1)).toContain('I need a model to listen to voice notes');
  });
});
