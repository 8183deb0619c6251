import { pdfText } from './pdf-text';

/** How much of a document goes to the model. */
export const DOCUMENT_CHARS = 30_000;

export type ReadDocument =
  | { kind: 'text'; text: string; truncated: boolean }
  | { kind: 'pdf-file'; dataUrl: string }
  | { kind: 'unsupported'; why: string };

const TEXT_TYPES = /^(text\/(plain|markdown|x-markdown|csv)|application\/(json|x-yaml))$/;
const TEXT_NAMES = /\.(txt|md|markdown|csv|json|ya?ml|log)$/i;

/** Bytes as base64, in slices (spreading megabytes into one call would overflow the stack). */
export function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

const cut = (text: string) => ({
  kind: 'text' as const,
  text: text.slice(0, DOCUMENT_CHARS),
  truncated: text.length > DOCUMENT_CHARS,
});

/** Which kind of document the name and type say it is, before downloading it. */
export function documentKind(mime: string, name: string): 'text' | 'pdf' | { unsupported: string } {
  if (TEXT_TYPES.test(mime) || TEXT_NAMES.test(name)) return 'text';
  if (mime === 'application/pdf' || /\.pdf$/i.test(name)) return 'pdf';
  return {
    unsupported: `I read text, markdown and PDF documents; ${name} is ${mime || 'of an unknown type'}`,
  };
}

/**
 * What the model should read of a document: text and markdown as they are; a PDF's text
 * layer when there is one, else the PDF itself (for models that read files); anything else
 * is refused with the reason.
 */
export async function readDocument(
  bytes: Uint8Array,
  mime: string,
  name: string,
): Promise<ReadDocument> {
  const kind = documentKind(mime, name);
  if (typeof kind === 'object') return { kind: 'unsupported', why: kind.unsupported };
  if (kind === 'text') {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    if (text.includes('\u0000')) return { kind: 'unsupported', why: `${name} is not text` };
    return cut(text);
  }
  const text = await pdfText(bytes);
  if (text) return cut(text);
  return { kind: 'pdf-file', dataUrl: `data:application/pdf;base64,${base64(bytes)}` };
}
