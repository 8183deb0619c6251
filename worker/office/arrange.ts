import { type Furniture, footprint, inside, type Layout, layoutProblem, useSpot } from './layout';

// Desks stand in rows: a desk (2 cells), the cell in front where its robot sits, an aisle.
const COLUMN_STEP = 3;
const ROW_STEP = 3;
const FIRST_DESK = { x: 2, z: 1 };

/** The starting floor for `agentIds`: a desk each in rows, coffee and water on the right, plants. */
export function defaultLayout(agentIds: readonly string[]): Layout {
  const columns = Math.max(2, Math.ceil(Math.sqrt(agentIds.length)));
  const rows = Math.max(1, Math.ceil(agentIds.length / columns));
  const width = Math.max(12, FIRST_DESK.x + COLUMN_STEP * columns + 3);
  const depth = Math.max(10, FIRST_DESK.z + ROW_STEP * rows + 2);
  const furniture: Furniture[] = agentIds.map((agentId, i) => ({
    id: `desk-${agentId}`,
    kind: 'desk',
    agentId,
    rotation: 0,
    x: FIRST_DESK.x + COLUMN_STEP * (i % columns),
    z: FIRST_DESK.z + ROW_STEP * Math.floor(i / columns),
  }));
  furniture.push(
    { id: 'coffee', kind: 'coffee', x: width - 1, z: 1, rotation: 270 },
    { id: 'water', kind: 'water', x: width - 1, z: 4, rotation: 270 },
    { id: 'plant-1', kind: 'plant', x: 0, z: 0, rotation: 0 },
    { id: 'plant-2', kind: 'plant', x: width - 1, z: depth - 1, rotation: 0 },
    { id: 'plant-3', kind: 'plant', x: 0, z: depth - 1, rotation: 0 },
  );
  return { width, depth, door: { x: Math.floor(width / 2), z: depth - 1 }, furniture };
}

/**
 * `layout` with exactly one desk for each of `agentIds`: desks of agents that left go, and a
 * newcomer's desk takes the first free place in the rows (the floor grows when none is left).
 * Furniture an admin placed stays where it is.
 */
export function withDesksFor(layout: Layout, agentIds: readonly string[]): Layout {
  const wanted = new Set(agentIds);
  let next: Layout = {
    ...layout,
    furniture: layout.furniture.filter(
      (item) => item.kind !== 'desk' || (item.agentId !== undefined && wanted.has(item.agentId)),
    ),
  };
  const seated = new Set(next.furniture.map((item) => item.agentId));
  for (const agentId of agentIds) {
    if (seated.has(agentId)) continue;
    next = placeDesk(next, agentId);
    seated.add(agentId);
  }
  return next;
}

function placeDesk(layout: Layout, agentId: string): Layout {
  for (let current = layout; ; current = grow(current)) {
    const taken = occupied(current);
    for (let z = FIRST_DESK.z; z + 1 < current.depth - 1; z += ROW_STEP) {
      for (let x = FIRST_DESK.x; x + 1 < current.width - 2; x += COLUMN_STEP) {
        const desk: Furniture = { id: `desk-${agentId}`, kind: 'desk', agentId, rotation: 0, x, z };
        const cells = [...footprint(desk), useSpot(desk) as { x: number; z: number }];
        if (cells.some((c) => !inside(current, c) || taken.has(c.z * current.width + c.x)))
          continue;
        const candidate = { ...current, furniture: [...current.furniture, desk] };
        if (!layoutProblem(candidate)) return candidate;
      }
    }
  }
}

/** Cells covered by furniture or needed in front of it. */
function occupied(layout: Layout): Set<number> {
  const cells = new Set<number>();
  for (const item of layout.furniture) {
    const spot = useSpot(item);
    for (const c of spot ? [...footprint(item), spot] : footprint(item)) {
      cells.add(c.z * layout.width + c.x);
    }
  }
  return cells;
}

/** One more row of desks: the floor gets deeper; the door and what stood on the back wall move back. */
function grow(layout: Layout): Layout {
  const last = layout.depth - 1;
  return {
    ...layout,
    depth: layout.depth + ROW_STEP,
    door: { x: layout.door.x, z: layout.door.z === last ? last + ROW_STEP : layout.door.z },
    furniture: layout.furniture.map((item) =>
      item.z === last ? { ...item, z: item.z + ROW_STEP } : item,
    ),
  };
}
