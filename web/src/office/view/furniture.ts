import * as THREE from 'three';
import { type Furniture, footprint, type Layout } from '../../../../worker/office/layout';
import { bake, bakedMaterial, type Part } from './bake';
import { DESK, FLOOR, GRID, MONITOR, WALL } from './palette';

/** The centre of a piece on the floor, and its turn in radians (rotation 0 faces +z). */
export function placement(item: Furniture): { x: number; z: number; angle: number } {
  const cells = footprint(item);
  const xs = cells.map((c) => c.x);
  const zs = cells.map((c) => c.z);
  return {
    x: (Math.min(...xs) + Math.max(...xs) + 1) / 2,
    z: (Math.min(...zs) + Math.max(...zs) + 1) / 2,
    angle: (item.rotation * Math.PI) / 180,
  };
}

const box = (w: number, h: number, d: number) => new THREE.BoxGeometry(w, h, d);

/** The shapes of one piece, in the piece's own frame (origin on the floor at its centre). */
function shapes(
  item: Furniture,
): { geometry: THREE.BufferGeometry; at: number[]; color: number }[] {
  if (item.kind === 'desk')
    return [
      { geometry: box(1.9, 0.08, 0.9), at: [0, 0.75, 0], color: DESK },
      // The screen stands at the back of the desk, facing the seat in front.
      { geometry: box(0.7, 0.42, 0.05), at: [0, 1, -0.25], color: MONITOR },
    ];
  if (item.kind === 'coffee')
    return [
      { geometry: box(0.6, 1.1, 0.5), at: [0, 0.55, 0], color: 0x3b3b3b },
      { geometry: box(0.3, 0.2, 0.1), at: [0, 0.6, 0.28], color: 0xb0b0b0 },
      { geometry: new THREE.CylinderGeometry(0.06, 0.05, 0.1), at: [0, 0.4, 0.3], color: 0xffffff },
    ];
  if (item.kind === 'water')
    return [
      { geometry: box(0.45, 0.9, 0.45), at: [0, 0.45, 0], color: 0xf0f0f0 },
      // Opaque, a paler blue than the glass it was: blending is dear on software GL.
      {
        geometry: new THREE.CylinderGeometry(0.18, 0.18, 0.5, 12),
        at: [0, 1.15, 0],
        color: 0x7fd3f7,
      },
    ];
  return [
    {
      geometry: new THREE.CylinderGeometry(0.22, 0.16, 0.35, 10),
      at: [0, 0.175, 0],
      color: 0xb5651d,
    },
    { geometry: new THREE.IcosahedronGeometry(0.38, 1), at: [0, 0.7, 0], color: 0x3f8f4f },
  ];
}

/** Low walls on three sides (the door side stays open), and the floor. */
function floorAndWalls(width: number, depth: number): Part[] {
  const at = (x: number, y: number, z: number) => new THREE.Matrix4().makeTranslation(x, y, z);
  const wall = (w: number, d: number, x: number, z: number): Part => ({
    geometry: box(w, 1.2, d),
    matrix: at(x, 0.6, z),
    color: WALL,
  });
  return [
    {
      geometry: new THREE.PlaneGeometry(width, depth).rotateX(-Math.PI / 2),
      matrix: at(width / 2, 0, depth / 2),
      color: FLOOR,
      grid: true,
    },
    wall(width + 0.4, 0.2, width / 2, -0.1),
    wall(0.2, depth, -0.1, depth / 2),
    wall(0.2, depth, width + 0.1, depth / 2),
  ];
}

/** A piece as a click sees it: the box around it. */
export interface PieceBox {
  id: string;
  box: THREE.Box3;
}

/**
 * The whole static office, floor and its grid, walls and furniture, as one mesh with baked
 * light: one draw call however many desks. Clicks test `pieces`.
 */
export function buildRoom(layout: Layout): { group: THREE.Group; pieces: PieceBox[] } {
  const { width, depth } = layout;
  const parts = floorAndWalls(width, depth);
  const pieces: PieceBox[] = [];
  const turn = new THREE.Matrix4();
  for (const item of layout.furniture) {
    const { x, z, angle } = placement(item);
    const place = new THREE.Matrix4().makeTranslation(x, 0, z).multiply(turn.makeRotationY(angle));
    const piece = new THREE.Box3();
    for (const shape of shapes(item)) {
      const [sx = 0, sy = 0, sz = 0] = shape.at;
      const matrix = place.clone().multiply(new THREE.Matrix4().makeTranslation(sx, sy, sz));
      shape.geometry.computeBoundingBox();
      piece.union((shape.geometry.boundingBox as THREE.Box3).clone().applyMatrix4(matrix));
      parts.push({ geometry: shape.geometry, matrix, color: shape.color });
    }
    pieces.push({ id: item.id, box: piece });
  }
  const group = new THREE.Group();
  group.add(new THREE.Mesh(bake(parts), bakedMaterial(GRID)));
  return { group, pieces };
}

/** The nearest piece `ray` passes through, if any. */
export function pieceHit(ray: THREE.Ray, pieces: PieceBox[]): string | null {
  let best: string | null = null;
  let nearest = Number.POSITIVE_INFINITY;
  const point = new THREE.Vector3();
  for (const { id, box: b } of pieces) {
    if (!ray.intersectBox(b, point)) continue;
    const distance = point.distanceTo(ray.origin);
    if (distance < nearest) {
      nearest = distance;
      best = id;
    }
  }
  return best;
}
