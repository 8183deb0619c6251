import { type Change, diffConfigs } from '../../../worker/agents/diff';

/**
 * The semantic diff compares list entries whole: an edited task reads as task N removed and
 * task N added, two lines of JSON. For the reader, a task removed and added at the same place
 * is one task edited: its entries are diffed key by key instead (tasks.0.expectedScope ...).
 */
export function planDiff(changes: Change[]): Change[] {
  const at = (kind: Change['kind'], index: unknown) =>
    changes.find((c) => c.field === 'tasks' && c.kind === kind && same(c.path, [index]));
  return changes.flatMap((c) => {
    const index = c.path[0];
    if (c.field !== 'tasks' || c.path.length !== 1) return [c];
    const removed = at('removed', index);
    const added = at('added', index);
    if (!removed || !added) return [c];
    // The pair becomes one task's changes, listed where its removal was.
    if (c === added) return [];
    return diffConfigs({ task: removed.old }, { task: added.new }, ['task']).map((inner) => ({
      ...inner,
      field: 'tasks',
      path: [index as number, ...inner.path],
    }));
  });
}

const same = (a: unknown[], b: unknown[]) => JSON.stringify(a) === JSON.stringify(b);
