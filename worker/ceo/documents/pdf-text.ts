// A small PDF text extractor: enough for the text layer of ordinary PDFs (content streams,
// Flate-compressed or not, strings shown with Tj, TJ, ' and "). Scans and fonts that need a
// ToUnicode map come out empty or partial; the caller then hands the file to the model.

/**
 * Bytes as a string of the same length, one char per byte, so string offsets are byte offsets.
 * (TextDecoder's "latin1" is windows-1252, and not every runtime keeps it one-to-one.)
 */
const latin1 = {
  decode(bytes: Uint8Array): string {
    let out = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    return out;
  },
};

async function inflate(bytes: Uint8Array): Promise<Uint8Array | null> {
  const reader = new Blob([new Uint8Array(bytes)])
    .stream()
    .pipeThrough(new DecompressionStream('deflate'))
    .getReader();
  const chunks: Uint8Array[] = [];
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
  } catch {
    // Damaged, or bytes after the end of the data: keep what came out before it.
  }
  if (!chunks.length) return null;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** The content of each `stream … endstream`, decompressed when it says /FlateDecode. */
async function streams(pdf: Uint8Array): Promise<string[]> {
  const text = latin1.decode(pdf);
  const found: string[] = [];
  const pattern = /<<((?:(?!>>\s*stream)[\s\S]){0,2000})>>\s*stream\r?\n/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const start = match.index + match[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    const dictionary = match[1] ?? '';
    if (/\/Subtype\s*\/Image|\/Type\s*\/XObject|\/Length1|\/FontFile/.test(dictionary)) continue;
    // The end-of-line before `endstream` is not part of the data.
    const eol =
      text[end - 2] === '\r' ? 2 : text[end - 1] === '\n' || text[end - 1] === '\r' ? 1 : 0;
    const raw = pdf.subarray(start, end - eol);
    const filtered = /\/Filter\s*\[?\s*\/FlateDecode/.test(dictionary);
    if (/\/Filter/.test(dictionary) && !filtered) continue; // other encodings: not text we can read
    const content = filtered ? await inflate(raw) : raw;
    if (content) found.push(latin1.decode(content));
  }
  return found;
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '(': '(',
  ')': ')',
  '\\': '\\',
};

/** Decodes a PDF literal string body (between the outer parentheses). */
function literal(body: string): string {
  return body.replace(/\\([nrtbf()\\]|[0-7]{1,3}|\r?\n)/g, (_all, code: string) => {
    if (code in ESCAPES) return ESCAPES[code] ?? '';
    if (/^[0-7]+$/.test(code)) return String.fromCharCode(Number.parseInt(code, 8));
    return ''; // a backslash before a line break continues the string
  });
}

const hex = (body: string) =>
  (body.replace(/\s+/g, '').match(/../g) ?? [])
    .map((pair) => String.fromCharCode(Number.parseInt(pair, 16)))
    .join('');

/** The text shown by one content stream, a line per text line. */
function shown(content: string): string {
  const out: string[] = [];
  const token =
    /\((?:\\[\s\S]|[^\\()]|\((?:\\[\s\S]|[^\\()])*\))*\)|<[0-9A-Fa-f\s]*>|\[|\]|T[Jj*]|'|"|T[dD*m]|ET|BT|-?\d*\.?\d+/g;
  let line = '';
  let inArray = false;
  for (const [word] of content.matchAll(token)) {
    if (word.startsWith('(')) line += literal(word.slice(1, -1));
    else if (word.startsWith('<')) line += hex(word.slice(1, -1));
    else if (word === '[') inArray = true;
    else if (word === ']') inArray = false;
    else if (inArray && /^-?\d/.test(word) && Number(word) < -200)
      line += ' '; // a wide gap in TJ is a space
    else if (
      word === 'T*' ||
      word === 'Td' ||
      word === 'TD' ||
      word === "'" ||
      word === '"' ||
      word === 'ET'
    ) {
      if (line.trim()) out.push(line.trim());
      line = '';
    }
  }
  if (line.trim()) out.push(line.trim());
  return out.join('\n');
}

/** The readable text of a PDF, or '' when it has no text layer this can read. */
export async function pdfText(pdf: Uint8Array): Promise<string> {
  if (latin1.decode(pdf.subarray(0, 5)) !== '%PDF-') return '';
  const parts = (await streams(pdf)).filter((s) => /\bBT\b/.test(s)).map(shown);
  const text = parts
    .join('\n')
    .replace(/[^\S\n]+/g, ' ')
    .trim();
  // Mostly unprintable characters means an encoding we cannot map (CID fonts): say nothing.
  const printable = text.replace(/[^\x20-\x7E\u00A0-\u00FF\n]/g, '').length;
  return text.length && printable / text.length > 0.8 ? text : '';
}
