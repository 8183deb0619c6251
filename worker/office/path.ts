import { blockedCells, type Cell, freeNeighbours, inside, type Layout } from './layout';

/** The shortest walk from `from` to `to` over free cells (A*), both ends included; null when `to` cannot be reached. */
export function findPath(
  layout: Layout,
  from: Cell,
  to: Cell,
  blocked: Uint8Array = blockedCells(layout),
): Cell[] | null {
  const { width } = layout;
  if (!inside(layout, from) || !inside(layout, to)) return null;
  const start = from.z * width + from.x;
  const goal = to.z * width + to.x;
  if (blocked[goal]) return null;
  const cameFrom = new Int32Array(blocked.length).fill(-1);
  const cost = new Float64Array(blocked.length).fill(Number.POSITIVE_INFINITY);
  const heuristic = (at: number) =>
    Math.abs((at % width) - to.x) + Math.abs(Math.floor(at / width) - to.z);
  const open = new MinHeap();
  cost[start] = 0;
  open.push(start, heuristic(start));
  while (open.size > 0) {
    const at = open.pop();
    if (at === goal) return unwind(cameFrom, goal, start, width);
    for (const next of freeNeighbours(layout, blocked, at)) {
      const tentative = (cost[at] as number) + 1;
      if (tentative >= (cost[next] as number)) continue;
      cost[next] = tentative;
      cameFrom[next] = at;
      open.push(next, tentative + heuristic(next));
    }
  }
  return null;
}

function unwind(cameFrom: Int32Array, goal: number, start: number, width: number): Cell[] {
  const path: Cell[] = [];
  for (let at = goal; ; at = cameFrom[at] as number) {
    path.push({ x: at % width, z: Math.floor(at / width) });
    if (at === start) break;
  }
  return path.reverse();
}

/** A binary heap of cell indexes by priority; stale entries are skipped by A*'s cost check. */
class MinHeap {
  private readonly items: number[] = [];
  private readonly priorities: number[] = [];

  get size() {
    return this.items.length;
  }

  push(item: number, priority: number) {
    this.items.push(item);
    this.priorities.push(priority);
    let i = this.items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.priorities[parent] as number) <= priority) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): number {
    const top = this.items[0] as number;
    const lastItem = this.items.pop() as number;
    const lastPriority = this.priorities.pop() as number;
    if (this.items.length > 0) {
      this.items[0] = lastItem;
      this.priorities[0] = lastPriority;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (
          left < this.items.length &&
          (this.priorities[left] as number) < (this.priorities[smallest] as number)
        )
          smallest = left;
        if (
          right < this.items.length &&
          (this.priorities[right] as number) < (this.priorities[smallest] as number)
        )
          smallest = right;
        if (smallest === i) break;
        this.swap(i, smallest);
        i = smallest;
      }
    }
    return top;
  }

  private swap(a: number, b: number) {
    [this.items[a], this.items[b]] = [this.items[b] as number, this.items[a] as number];
    [this.priorities[a], this.priorities[b]] = [
      this.priorities[b] as number,
      this.priorities[a] as number,
    ];
  }
}
