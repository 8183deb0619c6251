// The runner's live log (runner/logs/) against a local HTTP server speaking HQ's wire format
// for `POST /api/runner/tasks/{id}/logs`: masking (also of a secret cut across writes and
// flushes), batching, retries with the same number, letting go on 409.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HqClient } from '../../runner/api';
import { lastMeaningfulLine } from '../../runner/logs/last-line';
import {
  Masker,
  MIN_SECRET_LENGTH,
  mcpSecretValues,
  runSecrets,
  unmaskable,
} from '../../runner/logs/mask';
import { LogStream } from '../../runner/logs/stream';

interface Received {
  run: number;
  seq: number;
  text: string;
}

/** What the stand-in answers the next requests with, before it stores anything. */
type Trouble = 'reset' | 503 | 409 | 413;

let server: Server;
let url = '';
let received: Received[] = [];
let attempts: Received[] = [];
let trouble: Trouble[] = [];
let auth: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      auth.push(req.headers.authorization ?? '');
      const batch = JSON.parse(body) as Received;
      attempts.push(batch);
      const next = trouble.shift();
      if (next === 'reset') return req.socket.destroy();
      if (next) {
        res.writeHead(next, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: { code: 'x', message: `trouble ${next}` } }));
      }
      // As HQ: a number already stored is not stored again.
      const stored = !received.some((r) => r.seq === batch.seq);
      if (stored) received.push(batch);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ seq: batch.seq, stored }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  received = [];
  attempts = [];
  trouble = [];
  auth = [];
});

const SECRET = 'sk-live-0123456789abcdefXYZ';
const sent = () => received.map((r) => r.text).join('');
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stream(extra: Partial<ConstructorParameters<typeof LogStream>[0]> = {}) {
  return new LogStream({
    sink: new HqClient(url, 'hqr_test'),
    taskId: 'task-1',
    run: 2,
    masker: new Masker(runSecrets(['DEPLOY_KEY'], { DEPLOY_KEY: SECRET })),
    flushMs: 50,
    ...extra,
  });
}

describe('the runner log stream', () => {
  it('masks a secret whole, also when the agent writes it in pieces across flushes', async () => {
    const log = stream();
    log.write(`using ${SECRET} now\n`);
    log.write(`split: ${SECRET.slice(0, 5)}`);
    await wait(200); // several flush intervals pass with half a secret written
    log.write(SECRET.slice(5, 12));
    await wait(200);
    log.write(`${SECRET.slice(12)} done\nsk-live-0 is only a prefix\n`);
    await log.close();
    expect(sent()).toBe(
      'using [masked DEPLOY_KEY] now\nsplit: [masked DEPLOY_KEY] done\nsk-live-0 is only a prefix\n',
    );
    expect(attempts.map((a) => a.text).join('')).not.toContain(SECRET.slice(0, 12));
    // Numbered from 1 without gaps, in the claimed run, with the runner's token.
    expect(received.map((r) => r.seq)).toEqual(received.map((_, i) => i + 1));
    expect(received.length).toBeGreaterThan(1);
    expect(new Set(received.map((r) => r.run))).toEqual(new Set([2]));
    expect(new Set(auth)).toEqual(new Set(['Bearer hqr_test']));
    expect(log.tail).toBe(sent());
    expect(log.lastLine).toBe('sk-live-0 is only a prefix');
  });

  it('sends what was written while a secret’s beginning waits, and the rest on close', async () => {
    const log = stream();
    log.write('line one\nsk-li');
    await wait(200);
    // "sk-li" could begin the secret: held; the line before it went out.
    expect(sent()).toBe('line one\n');
    log.write('ne\n');
    await log.close();
    expect(sent()).toBe('line one\nsk-line\n');
  });

  it('retries a failed batch with the same number until HQ takes it, without duplicates', async () => {
    trouble = ['reset', 503, 'reset'];
    const log = stream();
    log.write('first\n');
    await wait(150);
    log.write('second\n');
    await log.close(20_000);
    expect(sent()).toBe('first\nsecond\n');
    expect(attempts.slice(0, 4).map((a) => a.seq)).toEqual([1, 1, 1, 1]);
    expect(received.map((r) => r.seq)).toEqual([1, 2]);
  });

  it('lets go when HQ answers 409 (the task is not this runner’s any more)', async () => {
    let lost = 0;
    trouble = [409];
    const log = stream({ onLost: () => lost++ });
    log.write('first\n');
    await wait(200);
    log.write('second\n');
    await log.close();
    expect(lost).toBe(1);
    expect(attempts.map((a) => a.text)).toEqual(['first\n']);
    expect(received).toEqual([]);
  });

  it('drops a batch HQ refuses for good, says so, and goes on', async () => {
    const refused: string[] = [];
    trouble = [413];
    const log = stream({ onRefused: (m) => refused.push(m) });
    log.write('too big, say\n');
    await wait(200);
    log.write('next\n');
    await log.close();
    expect(refused).toEqual(['POST /api/runner/tasks/task-1/logs: 413 trouble 413']);
    expect(received.map((r) => [r.seq, r.text])).toEqual([[2, 'next\n']]);
  });

  it('cuts a flood into batches under HQ’s 64 KiB, never splitting a character', async () => {
    const log = stream({ flushMs: 10_000 });
    const flood = `${'é'.repeat(30_000)}😀${'x'.repeat(30_000)}\n`;
    log.write(flood);
    await log.close();
    expect(sent()).toBe(flood);
    for (const batch of received) {
      expect(Buffer.byteLength(batch.text)).toBeLessThanOrEqual(64 * 1024);
      expect(Buffer.from(batch.text).toString()).toBe(batch.text);
    }
    expect(received.length).toBeGreaterThan(2);
  });
});

describe('which values are secrets', () => {
  it('takes declared variables and other values, never HQ_*, the inherited four or short values', () => {
    const env = {
      API_TOKEN: 'tok-1234567890',
      HQ_TASK_SPEC: 'a long task spec that is no secret',
      PATH: '/usr/local/bin:/usr/bin',
      PIN: '1234',
    };
    const secrets = runSecrets(['API_TOKEN', 'HQ_TASK_SPEC', 'PATH', 'PIN', 'UNSET'], env, [
      'mcp-header-value-123',
      'short',
    ]);
    expect(secrets).toEqual([
      { name: 'API_TOKEN', value: 'tok-1234567890' },
      { value: 'mcp-header-value-123' },
    ]);
    expect(unmaskable(['API_TOKEN', 'PIN', 'UNSET'], env)).toEqual(['PIN']);
    expect(MIN_SECRET_LENGTH).toBe(8);
    const masker = new Masker(secrets);
    expect(masker.mask('PIN 1234, Bearer mcp-header-value-123')).toBe('PIN 1234, Bearer [masked]');
  });

  it('reads MCP servers’ env and header values from a claim, ignoring anything else', () => {
    expect(
      mcpSecretValues({
        github: { command: 'gh-mcp', env: { GITHUB_TOKEN: 'ghp_abcdefgh12345' } },
        search: { url: 'https://mcp.example', headers: { authorization: 'Bearer zzzzzzzzzz' } },
        odd: 'not a server',
      }),
    ).toEqual(['ghp_abcdefgh12345', 'Bearer zzzzzzzzzz']);
    expect(mcpSecretValues(undefined)).toEqual([]);
  });

  it('masks overlapping secrets as one stretch', () => {
    const masker = new Masker([
      { name: 'A', value: 'abcdefgh' },
      { name: 'B', value: 'efgh12345678' },
    ]);
    expect(masker.mask('xxabcdefgh12345678yy')).toBe('xx[masked A]yy');
  });

  it('masks the same however the output is cut into writes (property)', () => {
    const secrets = [
      { name: 'K', value: 'secret-key-987' },
      { name: 'T', value: 'tttttttt' },
    ];
    const piece = fc.oneof(
      fc.constantFrom('secret-key-987', 'secret-', 'key-987', 'tttt', 'ttttttttt', '\n', 's'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.array(fc.nat(40)), (pieces, cuts) => {
        const text = pieces.join('');
        const masker = new Masker(secrets);
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        let buffer = '';
        let out = '';
        let from = 0;
        for (const point of [...points, text.length]) {
          buffer += text.slice(from, point);
          from = point;
          const step = masker.take(buffer, point === text.length);
          out += step.out;
          buffer = step.rest;
        }
        expect(out).toBe(masker.mask(text));
        expect(out).not.toContain('secret-key-987');
      }),
      { numRuns: 500 },
    );
  });
});

describe('the last meaningful line', () => {
  it('skips blank lines, rules, spinners and escapes, and follows carriage-return redraws', () => {
    expect(lastMeaningfulLine('Editing src/app.ts\n\n-----\n  \n')).toBe('Editing src/app.ts');
    expect(lastMeaningfulLine('\u001b[32mTests passed\u001b[0m\r\n⠋\n...\n')).toBe('Tests passed');
    expect(lastMeaningfulLine('Downloading 10%\rDownloading 90%\n')).toBe('Downloading 90%');
    expect(lastMeaningfulLine('')).toBe('');
    expect(lastMeaningfulLine(`${'a'.repeat(300)}\n`)).toHaveLength(200);
  });
});
