// The stream parsers on their own: lines split anywhere across chunks, noise and unknown
// events between them, and the edge cases of each CLI's output that a stand-in run does
// not reach (several codex turns, a recovered stream error, an older gemini's exit 53...).
import { describe, expect, it } from 'vitest';
import { PRESETS, type PresetName, type StreamEvent } from '../../runner/executors/presets';
import { reasonFromText } from '../../runner/executors/presets/stream';

const lines = (...events: unknown[]) =>
  events.map((event) => (typeof event === 'string' ? event : JSON.stringify(event))).join('\n');

/** Feeds `text` in chunks of `size` characters and returns the events and the summary. */
function parse(name: PresetName, text: string, size = text.length, exitCode: number | null = 0) {
  const parser = PRESETS[name].createParser();
  const events: StreamEvent[] = [];
  for (let at = 0; at < text.length; at += size)
    events.push(...parser.feed(text.slice(at, at + size)));
  return { events, summary: parser.finish(exitCode) };
}

const claudeRun = lines(
  { type: 'system', subtype: 'init', session_id: 's', model: 'm', tools: [] },
  { type: 'assistant', message: { content: [{ type: 'text', text: 'Reading.\nWorking on it.' }] } },
  {
    type: 'assistant',
    message: { content: [{ type: 'tool_use', name: 'Bash', input: { command: 'npm test' } }] },
  },
  {
    type: 'result',
    subtype: 'success',
    is_error: false,
    result: 'All done.',
    total_cost_usd: 0.5,
    usage: { input_tokens: 10, output_tokens: 5 },
    modelUsage: {
      a: {
        inputTokens: 100,
        outputTokens: 20,
        cacheReadInputTokens: 50,
        cacheCreationInputTokens: 5,
      },
      b: { inputTokens: 7, outputTokens: 3, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
    },
  },
);

describe('stream parsers', () => {
  it('read the same events and summary whether lines come whole or split into tiny chunks', () => {
    const whole = parse('claude-code', `${claudeRun}\n`);
    for (const size of [1, 7, 64])
      expect(parse('claude-code', `${claudeRun}\n`, size)).toEqual(whole);
    expect(whole.events.filter((event) => event.kind !== 'usage')).toEqual([
      { kind: 'text', lastLine: 'Working on it.' },
      { kind: 'tool', lastLine: 'Bash npm test' },
      { kind: 'text', lastLine: 'All done.' },
      { kind: 'result', ok: true, lastLine: 'All done.' },
    ]);
    // Every model's calls count (subagents included), cache reads and writes as input.
    expect(whole.summary).toEqual({
      ok: true,
      inputTokens: 162,
      outputTokens: 23,
      cachedInputTokens: 50,
      costUsd: 0.5,
      lastMeaningfulLine: 'All done.',
    });
  });

  it('skip banners, broken JSON, typeless and unknown events, CRLF endings and a last line without newline', () => {
    const noisy = [
      'Loaded cached credentials.',
      '',
      '{"type":"assistant","message":',
      '[1,2,3]',
      '{"no":"type"}',
      '{"type":"stream_event","event":{"type":"content_block_delta"}}',
      ...claudeRun.split('\n'),
    ].join('\r\n');
    expect(parse('claude-code', noisy, 5).summary).toEqual(parse('claude-code', claudeRun).summary);
  });

  it('claude: no result event is a failure; an API error is one even with subtype success', () => {
    expect(parse('claude-code', lines({ type: 'system', subtype: 'init' })).summary).toMatchObject({
      ok: false,
      reason: 'error',
      error: 'claude ended without a result event',
      costUsd: null,
    });
    const apiError = lines({
      type: 'result',
      subtype: 'success',
      is_error: true,
      api_error_status: 500,
      result: 'API Error: 500 Internal server error',
      total_cost_usd: 0,
    });
    expect(parse('claude-code', apiError).summary).toMatchObject({
      ok: false,
      reason: 'error',
      costUsd: 0,
    });
    const crashed = lines({
      type: 'result',
      subtype: 'error_during_execution',
      errors: ['a', 'b'],
    });
    expect(parse('claude-code', crashed).summary).toMatchObject({ ok: false, error: 'a; b' });
  });

  it('claude: counts tokens as the run goes (each message’s latest usage), and the result’s totals replace them', () => {
    const usage = (input: number, output: number, read = 0) => ({
      input_tokens: input,
      output_tokens: output,
      cache_read_input_tokens: read,
      cache_creation_input_tokens: 0,
    });
    const message = (id: string, text: string, u: ReturnType<typeof usage>) => ({
      type: 'assistant',
      message: { id, content: [{ type: 'text', text }], usage: u },
    });
    const { events, summary } = parse(
      'claude-code',
      `${lines(
        message('m1', 'One.', usage(100, 1, 1000)),
        // The same message again (another content block): its usage replaces, not adds.
        message('m1', 'Two.', usage(100, 40, 1000)),
        message('m2', 'Three.', usage(200, 60)),
        {
          type: 'result',
          subtype: 'success',
          is_error: false,
          result: 'Done.',
          total_cost_usd: 0.01,
          modelUsage: { m: { inputTokens: 310, outputTokens: 105, cacheReadInputTokens: 1000 } },
        },
      )}\n`,
    );
    const running = events
      .filter((e) => e.kind === 'usage')
      .map((e) => [e.inputTokens, e.outputTokens, e.costUsd]);
    expect(running).toEqual([
      [1100, 1, undefined],
      [1100, 40, undefined],
      [1300, 100, undefined],
      [1310, 105, 0.01],
    ]);
    expect(summary).toMatchObject({ inputTokens: 1310, outputTokens: 105, costUsd: 0.01 });
  });

  it('codex: sums every turn, forgives a stream error a later turn recovers from, fails on one it does not', () => {
    const turn = (input: number, output: number) => ({
      type: 'turn.completed',
      usage: { input_tokens: input, cached_input_tokens: input / 2, output_tokens: output },
    });
    const recovered = lines(
      { type: 'error', message: 'Reconnecting... 1/5' },
      turn(100, 10),
      turn(300, 30),
    );
    expect(parse('codex', recovered).summary).toMatchObject({
      ok: true,
      inputTokens: 400,
      cachedInputTokens: 200,
      outputTokens: 40,
      costUsd: null,
    });
    const gaveUp = lines(turn(100, 10), {
      type: 'error',
      message: 'exceeded retry limit, last status: 429 Too Many Requests',
    });
    expect(parse('codex', gaveUp).summary).toMatchObject({
      ok: false,
      reason: 'rate_limit',
      inputTokens: 100,
    });
    expect(parse('codex', lines({ type: 'thread.started' })).summary).toMatchObject({
      ok: false,
      inputTokens: null,
    });
  });

  it('gemini: deltas make one message; exit 53 without a result (older releases) is the turn limit', () => {
    const say = (content: string) => ({ type: 'message', role: 'assistant', content, delta: true });
    const { events, summary } = parse(
      'gemini',
      `${lines(say('Half a '), say('sentence.'))}\n`,
      3,
      53,
    );
    expect(events.at(-1)).toEqual({ kind: 'text', lastLine: 'Half a sentence.' });
    // The failure is the last thing worth showing.
    expect(summary).toMatchObject({
      ok: false,
      reason: 'max_turns',
      lastMeaningfulLine: 'gemini reached its session turn limit (exit 53)',
    });
    expect(summary.inputTokens).toBeNull();
  });

  it('opencode: no finished step is a failure with unknown usage; a cost of 0 is the CLI’s own figure', () => {
    expect(parse('opencode', lines({ type: 'step_start', part: {} })).summary).toMatchObject({
      ok: false,
      inputTokens: null,
      costUsd: null,
    });
    const free = lines({ type: 'step_finish', part: { cost: 0, tokens: { input: 5, output: 1 } } });
    expect(parse('opencode', free).summary).toMatchObject({ ok: true, inputTokens: 5, costUsd: 0 });
  });

  it('aider: counts as printed (k, M, commas), no cost line means unknown money, an unrecovered failure fails', () => {
    const priced = parse('aider', 'Tokens: 1,234 sent, 1.2M received.\nApplied edit to a.ts\n');
    expect(priced.summary).toMatchObject({
      ok: true,
      inputTokens: 1234,
      outputTokens: 1200000,
      costUsd: null,
    });
    expect(priced.events).toContainEqual({ kind: 'tool', lastLine: 'Applied edit to a.ts' });
    const failed = parse(
      'aider',
      'Tokens: 980 sent, 12 received. Cost: $0.0012 message, $0.0012 session.\nlitellm.APIConnectionError: connection refused\n',
    );
    expect(failed.summary).toMatchObject({
      ok: false,
      reason: 'error',
      costUsd: 0.0012,
      inputTokens: 980,
    });
  });

  it('command: plain lines are the log; ok is left to the exit code; usage unknown', () => {
    expect(parse('command', 'one\ntwo\n\n').summary).toEqual({
      ok: true,
      inputTokens: null,
      outputTokens: null,
      cachedInputTokens: null,
      costUsd: null,
      lastMeaningfulLine: 'two',
    });
  });

  it('name the reason a failure message points at', () => {
    expect(reasonFromText('Reached max session turns for this session.')).toBe('max_turns');
    expect(reasonFromText('error_max_turns')).toBe('max_turns');
    expect(reasonFromText("You've hit your usage limit.")).toBe('rate_limit');
    expect(reasonFromText('RESOURCE_EXHAUSTED: Quota exceeded')).toBe('rate_limit');
    expect(reasonFromText('ENOENT: no such file')).toBe('error');
  });
});
