import { describe, expect, it } from 'vitest';
import { pdfText } from '../../../worker/ceo/documents/pdf-text';

const enc = new TextEncoder();

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(bytes)])
    .stream()
    .pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A PDF with one content stream (compressed or not) and the objects around it. */
async function pdf(content: string, compress: boolean, eol = '\n'): Promise<Uint8Array> {
  const data = compress ? await deflate(enc.encode(content)) : enc.encode(content);
  const filter = compress ? ' /Filter /FlateDecode' : '';
  return new Uint8Array([
    ...enc.encode(
      `%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n5 0 obj << /Length ${data.length}${filter} >>${eol}stream${eol}`,
    ),
    ...data,
    ...enc.encode(`${eol}endstream${eol}endobj\ntrailer << /Root 1 0 R >>\n%%EOF`),
  ]);
}

describe('PDF text', () => {
  it.each([
    ['plain Tj', 'BT /F1 12 Tf (Hello world) Tj ET', 'Hello world'],
    [
      'two lines with Td',
      'BT (First line) Tj 0 -14 Td (Second line) Tj ET',
      'First line\nSecond line',
    ],
    ['TJ with kerning and a wide gap', 'BT [(Kern)-20(ing) -400 (works)] TJ ET', 'Kerning works'],
    ['escapes and octal', 'BT (a \\(b\\) c\\\\d \\101) Tj ET', 'a (b) c\\d A'],
    ['hex strings', 'BT <48656C6C6F> Tj ET', 'Hello'],
  ])('reads %s, plain and Flate-compressed', async (_name, content, expected) => {
    expect(await pdfText(await pdf(content, false))).toBe(expected);
    expect(await pdfText(await pdf(content, true))).toBe(expected);
    expect(await pdfText(await pdf(content, true, '\r\n'))).toBe(expected);
  });

  it('finds nothing in a PDF without a text layer, in damaged data, or in something that is not a PDF', async () => {
    const image = enc.encode(
      '%PDF-1.4\n1 0 obj << /Type /XObject /Subtype /Image /Length 3 >>\nstream\nabc\nendstream\nendobj',
    );
    expect(await pdfText(image)).toBe('');
    const damaged = enc.encode(
      '%PDF-1.4\n1 0 obj << /Length 9 /Filter /FlateDecode >>\nstream\nnot zlib!\nendstream',
    );
    expect(await pdfText(damaged)).toBe('');
    expect(await pdfText(enc.encode('BT (Hello) Tj ET'))).toBe('');
  });
});
