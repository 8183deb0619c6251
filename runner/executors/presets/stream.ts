import type { FailureReason, RunSummary, StreamEvent, StreamParser } from './types';

// Shared machinery of the parsers: lines rebuilt across chunks, JSON read defensively (a
// CLI's output also holds banners, warnings and events newer than this code), and a tally
// of tokens, money and the last thing worth showing.

export type Json = Record<string, unknown>;

export const obj = (value: unknown): Json | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Json)
    : undefined;
export const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;
export const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** A JSON object on one line, or undefined for anything else (noise, partial writes). */
export function jsonLine(line: string): Json | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    return obj(JSON.parse(trimmed));
  } catch {
    return undefined;
  }
}

/** The last non-blank line of a text, trimmed and kept short enough for a status line. */
export function lastLineOf(text: string): string {
  const lines = text.split('\n').map((line) => line.trim());
  const last = lines.filter(Boolean).at(-1) ?? '';
  return last.length > 200 ? `${last.slice(0, 197)}...` : last;
}

const RATE_LIMIT =
  /rate.?limit|too many requests|\b429\b|usage limit|quota|resource.?exhausted|overloaded/i;
const MAX_TURNS = /max(imum)?[ _-]?(session[ _-]?)?turns|turn.?limit/i;

/** The reason a failure message points at; `error` when it names neither limit. */
export function reasonFromText(text: string): FailureReason {
  if (MAX_TURNS.test(text)) return 'max_turns';
  if (RATE_LIMIT.test(text)) return 'rate_limit';
  return 'error';
}

/** Splits chunks into whole lines, keeping an unterminated tail for the next chunk. */
export class LineBuffer {
  private rest = '';

  push(chunk: string): string[] {
    const lines = (this.rest + chunk).split('\n');
    this.rest = lines.pop() ?? '';
    return lines.map((line) => line.replace(/\r$/, ''));
  }

  flush(): string[] {
    const last = this.rest;
    this.rest = '';
    return last.trim() ? [last] : [];
  }
}

/** Running totals of one run; tokens and money stay null until the CLI reports them. */
export class Tally {
  inputTokens: number | null = null;
  outputTokens: number | null = null;
  cachedInputTokens: number | null = null;
  costUsd: number | null = null;
  lastLine = '';
  failure: { reason: FailureReason; message: string } | undefined;

  addTokens(input: number, output: number, cached = 0): void {
    this.inputTokens = (this.inputTokens ?? 0) + input;
    this.outputTokens = (this.outputTokens ?? 0) + output;
    this.cachedInputTokens = (this.cachedInputTokens ?? 0) + cached;
  }

  addCost(usd: number): void {
    this.costUsd = (this.costUsd ?? 0) + usd;
  }

  /** Remembers a line worth showing and returns it as an event of that kind. */
  note(kind: 'text' | 'tool', text: string): StreamEvent[] {
    const line = lastLineOf(text);
    if (!line) return [];
    this.lastLine = line;
    return [{ kind, lastLine: line }];
  }

  fail(reason: FailureReason, message: string): StreamEvent {
    this.failure = { reason, message };
    if (message) this.lastLine = lastLineOf(message);
    return { kind: 'error', reason, lastLine: lastLineOf(message) };
  }

  usage(): StreamEvent {
    return {
      kind: 'usage',
      ...(this.inputTokens === null ? {} : { inputTokens: this.inputTokens }),
      ...(this.outputTokens === null ? {} : { outputTokens: this.outputTokens }),
      ...(this.costUsd === null ? {} : { costUsd: this.costUsd }),
    };
  }

  /** The summary; a recorded failure wins over `ok`, and no success means `missing`. */
  summary(ok: boolean, missing: string): RunSummary {
    const failed =
      this.failure ?? (ok ? undefined : { reason: 'error' as const, message: missing });
    return {
      ok: !failed,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      cachedInputTokens: this.cachedInputTokens,
      costUsd: this.costUsd,
      ...(failed ? { error: failed.message, reason: failed.reason } : {}),
      lastMeaningfulLine: this.lastLine,
    };
  }
}

/** A parser from a per-line handler and a closing verdict; the line plumbing is shared. */
export function lineParser(
  onLine: (line: string) => StreamEvent[],
  onFinish: (exitCode: number | null) => RunSummary,
): StreamParser {
  const buffer = new LineBuffer();
  return {
    feed: (chunk) => buffer.push(chunk).flatMap(onLine),
    finish: (exitCode) => {
      for (const line of buffer.flush()) onLine(line);
      return onFinish(exitCode);
    },
  };
}

/** Like lineParser for CLIs that print one JSON event per line: other lines are skipped. */
export function jsonEventParser(
  onEvent: (event: Json, type: string) => StreamEvent[],
  onFinish: (exitCode: number | null) => RunSummary,
): StreamParser {
  return lineParser((line) => {
    const event = jsonLine(line);
    const type = str(event?.type);
    return event && type ? onEvent(event, type) : [];
  }, onFinish);
}
