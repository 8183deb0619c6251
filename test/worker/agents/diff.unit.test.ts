import { describe, expect, it } from 'vitest';
import { diffConfigs, lineDiff } from '../../../worker/agents/diff';
import { redactDiff } from '../../../worker/agents/snapshot';
import { cronProblem } from '../../../worker/clock/cron';

const fields = ['name', 'schedule', 'tools', 'mcpServers'] as const;

describe('semantic diff', () => {
  it('names each kind of change with its path', () => {
    const before = {
      name: 'A',
      schedule: null,
      tools: ['read', 'write'],
      mcpServers: { fs: { command: 'fs', env: { ROOT: '/a' } } },
    };
    const after = {
      name: 'B',
      schedule: '0 * * * *',
      tools: ['read', 'run'],
      mcpServers: {
        fs: { command: 'fs', env: { ROOT: '/b', MODE: 'ro' } },
        web: { url: 'https://x.test' },
      },
    };
    expect(diffConfigs(before, after, fields)).toEqual([
      { field: 'name', kind: 'changed', path: [], old: 'A', new: 'B' },
      { field: 'schedule', kind: 'set', path: [], new: '0 * * * *' },
      { field: 'tools', kind: 'removed', path: [1], old: 'write' },
      { field: 'tools', kind: 'added', path: [1], new: 'run' },
      { field: 'mcpServers', kind: 'added', path: ['fs', 'env', 'MODE'], new: 'ro' },
      { field: 'mcpServers', kind: 'changed', path: ['fs', 'env', 'ROOT'], old: '/a', new: '/b' },
      { field: 'mcpServers', kind: 'added', path: ['web'], new: { url: 'https://x.test' } },
    ]);
  });

  it('reports removal of a field value and nothing for equal configs', () => {
    expect(diffConfigs({ schedule: '0 * * * *' }, { schedule: null }, ['schedule'])).toEqual([
      { field: 'schedule', kind: 'removed', path: [], old: '0 * * * *' },
    ]);
    expect(diffConfigs({ tools: ['a'] }, { tools: ['a'] }, ['tools'])).toEqual([]);
  });

  it('reports a reorder of the same entries as one change', () => {
    expect(diffConfigs({ tools: ['a', 'b'] }, { tools: ['b', 'a'] }, ['tools'])).toEqual([
      { field: 'tools', kind: 'changed', path: [], old: ['a', 'b'], new: ['b', 'a'] },
    ]);
  });

  it('line-diffs long text', () => {
    expect(lineDiff('a\nb\nc', 'a\nc\nd')).toEqual([' a', '-b', ' c', '+d']);
  });

  it('hides secret values in a diff but keeps where they changed', () => {
    const before = { mcpServers: { gh: { command: 'gh', env: { TOKEN: 'old' }, headers: {} } } };
    const after = {
      mcpServers: {
        gh: { command: 'gh', env: { TOKEN: 'new' }, headers: { Authorization: 'Bearer x' } },
        api: { url: 'https://a.test', headers: { 'X-Api-Key': 'k' } },
      },
    };
    const changes = diffConfigs(before, after, ['mcpServers']);
    expect(redactDiff(changes, before, after)).toEqual([
      {
        field: 'mcpServers',
        kind: 'added',
        path: ['api'],
        new: { url: 'https://a.test', headers: { 'X-Api-Key': '[REDACTED]' } },
      },
      {
        field: 'mcpServers',
        kind: 'changed',
        path: ['gh', 'env', 'TOKEN'],
        old: '[REDACTED]',
        new: '[REDACTED]',
      },
      {
        field: 'mcpServers',
        kind: 'added',
        path: ['gh', 'headers', 'Authorization'],
        new: '[REDACTED]',
      },
    ]);
  });
});

describe('cron schedules', () => {
  it.each([
    '* * * * *',
    '0 6 * * 1-5',
    '*/15 9-17 * * mon-fri',
    '0 0 1 jan,jul *',
    '@daily',
    '5,35 */2 1-31/2 * 0',
  ])('accepts %s', (expression) => expect(cronProblem(expression)).toBeUndefined());
  it.each([
    ['61 * * * *', 'minute'],
    ['* 24 * * *', 'hour'],
    ['* * 0 * *', 'day of month'],
    ['* * * 13 *', 'month'],
    ['* * * * 8', 'day of week'],
    ['*/0 * * * *', 'step'],
    ['5-1 * * * *', 'backwards'],
    ['* * * *', '5 fields'],
  ])('refuses %s (%s)', (expression, words) => expect(cronProblem(expression)).toContain(words));
});
