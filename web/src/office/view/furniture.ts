import * as THREE from 'three';
import { type Furniture, footprint, type Layout } from '../../../../worker/office/layout';
import { DESK, MONITOR } from './palette';

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

// Lambert, not PBR: flat-shaded toys read well, and per-pixel cost decides the frame rate
// on software GL and weak laptops.
function standard(color: number, extra: THREE.MeshLambertMaterialParameters = {}) {
  return new THREE.MeshLambertMaterial({ color, ...extra });
}

/** One mesh per kind of machine or plant (there are few); desks are instanced (there are many). */
function single(item: Furniture): THREE.Object3D {
  const group = new THREE.Group();
  if (item.kind === 'coffee') {
    const body = new THREE.Mesh(box(0.6, 1.1, 0.5), standard(0x3b3b3b));
    body.position.y = 0.55;
    const spout = new THREE.Mesh(box(0.3, 0.2, 0.1), standard(0xb0b0b0));
    spout.position.set(0, 0.6, 0.28);
    const cup = new THREE.Mesh(new THREE.CylinderGeometry(0.06, 0.05, 0.1), standard(0xffffff));
    cup.position.set(0, 0.4, 0.3);
    group.add(body, spout, cup);
  } else if (item.kind === 'water') {
    const stand = new THREE.Mesh(box(0.45, 0.9, 0.45), standard(0xf0f0f0));
    stand.position.y = 0.45;
    const bottle = new THREE.Mesh(
      new THREE.CylinderGeometry(0.18, 0.18, 0.5, 16),
      standard(0x4fc3f7, { transparent: true, opacity: 0.7 }),
    );
    bottle.position.y = 1.15;
    group.add(stand, bottle);
  } else {
    const pot = new THREE.Mesh(
      new THREE.CylinderGeometry(0.22, 0.16, 0.35, 12),
      standard(0xb5651d),
    );
    pot.position.y = 0.175;
    const leaves = new THREE.Mesh(new THREE.IcosahedronGeometry(0.38, 1), standard(0x3f8f4f));
    leaves.position.y = 0.7;
    group.add(pot, leaves);
  }
  return group;
}

/** The furniture of `layout`; `ids[i]` names what instance or child `i` is, for picking. */
export function buildFurniture(layout: Layout) {
  const group = new THREE.Group();
  const desks = layout.furniture.filter((f) => f.kind === 'desk');
  const tops = new THREE.InstancedMesh(
    box(1.9, 0.08, 0.9),
    standard(DESK),
    Math.max(1, desks.length),
  );
  const screens = new THREE.InstancedMesh(
    box(0.7, 0.42, 0.05),
    standard(MONITOR),
    Math.max(1, desks.length),
  );
  tops.count = desks.length;
  screens.count = desks.length;
  const dummy = new THREE.Object3D();
  desks.forEach((desk, i) => {
    const { x, z, angle } = placement(desk);
    dummy.position.set(x, 0.75, z);
    dummy.rotation.set(0, angle, 0);
    dummy.updateMatrix();
    tops.setMatrixAt(i, dummy.matrix);
    // The screen stands at the back of the desk, facing the seat in front.
    dummy.translateZ(-0.25);
    dummy.translateY(0.25);
    dummy.updateMatrix();
    screens.setMatrixAt(i, dummy.matrix);
  });
  tops.userData.furnitureIds = desks.map((d) => d.id);
  screens.userData.furnitureIds = desks.map((d) => d.id);
  group.add(tops, screens);
  for (const item of layout.furniture) {
    if (item.kind === 'desk') continue;
    const object = single(item);
    const { x, z, angle } = placement(item);
    object.position.set(x, 0, z);
    object.rotation.y = angle;
    object.traverse((child) => {
      child.userData.furnitureId = item.id;
    });
    group.add(object);
  }
  return group;
}

/** Which piece a raycast hit, if any. */
export function furnitureHit(hit: THREE.Intersection): string | null {
  const ids = hit.object.userData.furnitureIds as string[] | undefined;
  if (ids && hit.instanceId !== undefined) return ids[hit.instanceId] ?? null;
  return (hit.object.userData.furnitureId as string | undefined) ?? null;
}
