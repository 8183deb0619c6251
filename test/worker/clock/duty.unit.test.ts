import { describe, expect, it } from 'vitest';
import { onDuty } from '../../../worker/clock/cron';

// Monday 2 December 2024, 10:15 UTC.
const monday10 = Date.UTC(2024, 11, 2, 10, 15);
const hours = (h: number) => h * 3_600_000;

describe('working hours from an agent’s schedule', () => {
  it.each([
    [null, monday10, true],
    ['', monday10, true],
    ['@hourly', monday10, true],
    ['* 9-17 * * 1-5', monday10, true],
    ['* 9-17 * * 1-5', monday10 + hours(8), false],
    ['* 9-17 * * mon-fri', monday10 - hours(48), false],
    ['0 */2 * * *', monday10, true],
    ['0 */2 * * *', monday10 + hours(1), false],
    ['* * * dec *', monday10, true],
    ['* * * jan *', monday10, false],
    ['* * 1 * 1', monday10, true],
    ['* * 3 * 0', monday10, false],
    ['* * * * 7', monday10 - hours(24), true],
  ])('%s at %s: %s', (schedule, at, expected) => {
    expect(onDuty(schedule, at, 'UTC')).toBe(expected);
  });

  it('reads the hours in the operator’s time zone', () => {
    // 10:15 UTC is 19:15 in Tokyo: off duty for a 9-to-5 agent there, on duty in London.
    expect(onDuty('* 9-17 * * *', monday10, 'Asia/Tokyo')).toBe(false);
    expect(onDuty('* 9-17 * * *', monday10, 'Europe/London')).toBe(true);
  });
});
