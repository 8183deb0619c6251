import { describe, expect, it } from 'vitest';
import { localClock, startOfLocalDay } from '../../../worker/ceo/local-time';
import {
  type DigestMember,
  digestFingerprint,
  digestGate,
  FAILED_SEND_BACKOFF_MS,
  OPERATOR_QUIET_MS,
  PROACTIVE_SPACING_MS,
  proactiveGuard,
} from '../../../worker/ceo/policy';

const low = (entityId: string, type = 'task.done'): DigestMember => ({
  type,
  entityType: 'task',
  entityId,
  lowSignal: true,
});
const high = (entityId: string): DigestMember => ({
  ...low(entityId, 'task.review'),
  lowSignal: false,
});

describe('digest quality gate', () => {
  it.each([
    ['one low-signal event', [low('a')], 'weak_singleton'],
    ['one high-signal event', [high('a')], 'send'],
    [
      'two low-signal events, one entity',
      [low('a'), low('a', 'task.started')],
      'thin_low_signal_batch',
    ],
    ['two low-signal events, two entities', [low('a'), low('b')], 'send'],
    ['three low-signal events, one entity', [low('a'), low('a'), low('a', 'task.queued')], 'send'],
    ['two events, one entity, one high-signal', [low('a'), high('a')], 'send'],
    ['many low-signal events, many entities', [low('a'), low('b'), low('c'), low('d')], 'send'],
  ] as const)('%s: %s', (_name, batch, verdict) => {
    expect(digestGate([...batch])).toBe(verdict);
  });

  it('tells entities apart by type and id', () => {
    const agent = { ...low('a'), entityType: 'agent' };
    expect(digestGate([low('a'), agent])).toBe('send');
  });
});

describe('digest fingerprint', () => {
  it('ignores order and repeats, and changes with any type or entity', async () => {
    const a = await digestFingerprint([low('a'), low('b')]);
    expect(await digestFingerprint([low('b'), low('a'), low('a')])).toBe(a);
    expect(await digestFingerprint([low('a'), low('c')])).not.toBe(a);
    expect(await digestFingerprint([low('a'), low('b', 'task.failed')])).not.toBe(a);
  });
});

describe('proactive guards, in order', () => {
  const now = 10_000_000;
  const quiet = {
    lastOperatorMessageAt: null,
    lastFailedProactiveAt: null,
    lastProactiveSentAt: null,
  };

  it.each([
    ['nothing recent', quiet, null],
    [
      'operator wrote 89 s ago',
      { ...quiet, lastOperatorMessageAt: now - 89_000 },
      'operator_active',
    ],
    ['operator wrote 90 s ago', { ...quiet, lastOperatorMessageAt: now - OPERATOR_QUIET_MS }, null],
    [
      'send failed 4 min 59 s ago',
      { ...quiet, lastFailedProactiveAt: now - FAILED_SEND_BACKOFF_MS + 1_000 },
      'recent_send_failure',
    ],
    [
      'send failed 5 min ago',
      { ...quiet, lastFailedProactiveAt: now - FAILED_SEND_BACKOFF_MS },
      null,
    ],
    [
      'last proactive 2 min 59 s ago',
      { ...quiet, lastProactiveSentAt: now - PROACTIVE_SPACING_MS + 1_000 },
      'too_soon',
    ],
    [
      'last proactive 3 min ago',
      { ...quiet, lastProactiveSentAt: now - PROACTIVE_SPACING_MS },
      null,
    ],
    [
      'all three: the operator guard comes first',
      {
        lastOperatorMessageAt: now - 1,
        lastFailedProactiveAt: now - 1,
        lastProactiveSentAt: now - 1,
      },
      'operator_active',
    ],
    [
      'failure and spacing: the failure guard comes second',
      { ...quiet, lastFailedProactiveAt: now - 1, lastProactiveSentAt: now - 1 },
      'recent_send_failure',
    ],
  ] as const)('%s', (_name, clock, reason) => {
    expect(proactiveGuard(clock, now)).toBe(reason);
  });
});

describe('local time', () => {
  it('reads the wall clock in the operator’s zone, across DST', () => {
    const at = Date.parse('2026-07-01T05:45:00Z');
    expect(localClock(at, 'Europe/Paris')).toEqual({ date: '2026-07-01', time: '07:45' });
    expect(localClock(at, 'America/Los_Angeles')).toEqual({ date: '2026-06-30', time: '22:45' });
    expect(new Date(startOfLocalDay(at, 'Europe/Paris')).toISOString()).toBe(
      '2026-06-30T22:00:00.000Z',
    );
    const winter = Date.parse('2026-12-01T12:00:00Z');
    expect(new Date(startOfLocalDay(winter, 'Europe/Paris')).toISOString()).toBe(
      '2026-11-30T23:00:00.000Z',
    );
    expect(new Date(startOfLocalDay(winter, 'UTC')).toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });
});
