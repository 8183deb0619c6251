import * as THREE from 'three';
import type { Robot } from '../state/behaviour';
import { ROBOT_BODY, ROBOT_HEAD, SELECTED, VISOR } from './palette';

/** A name tag drawn once on a canvas; it always faces the camera. */
function label(text: string): THREE.Sprite {
  const canvas = document.createElement('canvas');
  canvas.width = 256;
  canvas.height = 64;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.font = '600 30px system-ui, sans-serif';
  const width = Math.min(248, ctx.measureText(text).width + 24);
  ctx.fillStyle = 'rgba(20, 24, 32, 0.78)';
  ctx.beginPath();
  ctx.roundRect((256 - width) / 2, 8, width, 48, 14);
  ctx.fill();
  ctx.fillStyle = '#ffffff';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, 128, 33, 232);
  const texture = new THREE.CanvasTexture(canvas);
  texture.colorSpace = THREE.SRGBColorSpace;
  const sprite = new THREE.Sprite(new THREE.SpriteMaterial({ map: texture, depthWrite: false }));
  sprite.scale.set(2, 0.5, 1);
  return sprite;
}

/**
 * Every robot as three instanced meshes (body, head, visor) and a name tag each: a few draw
 * calls for the whole company, so 200 robots stay smooth.
 */
export class RobotMeshes {
  readonly group = new THREE.Group();
  readonly ids: string[];
  private readonly body: THREE.InstancedMesh;
  private readonly head: THREE.InstancedMesh;
  private readonly visor: THREE.InstancedMesh;
  private readonly labels: THREE.Sprite[];
  private readonly dummy = new THREE.Object3D();
  private readonly color = new THREE.Color();

  constructor(names: Map<string, string>) {
    this.ids = [...names.keys()];
    const n = Math.max(1, this.ids.length);
    const material = (color: number) =>
      new THREE.MeshStandardMaterial({ color, roughness: 0.5, metalness: 0.2 });
    this.body = new THREE.InstancedMesh(
      new THREE.BoxGeometry(0.44, 0.5, 0.32),
      material(ROBOT_BODY),
      n,
    );
    this.head = new THREE.InstancedMesh(
      new THREE.BoxGeometry(0.36, 0.28, 0.3),
      material(ROBOT_HEAD),
      n,
    );
    this.visor = new THREE.InstancedMesh(
      new THREE.BoxGeometry(0.28, 0.09, 0.02),
      new THREE.MeshBasicMaterial({ color: 0xffffff }),
      n,
    );
    for (const mesh of [this.body, this.head, this.visor]) {
      mesh.count = this.ids.length;
      mesh.instanceMatrix.setUsage(THREE.DynamicDrawUsage);
      mesh.frustumCulled = false;
      mesh.userData.robotIds = this.ids;
    }
    this.labels = this.ids.map((id) => label(names.get(id) ?? id));
    this.group.add(this.body, this.head, this.visor, ...this.labels);
  }

  /** How many robots stand in the scene (instances actually drawn). */
  get count(): number {
    return this.body.count;
  }

  /** Meshes a click can hit. */
  get pickable(): THREE.Object3D[] {
    return [this.body, this.head];
  }

  /** Poses every robot from its state; `time` (seconds) drives the little animations. */
  update(robots: Map<string, Robot>, time: number, selected: string | null) {
    this.ids.forEach((id, i) => {
      const robot = robots.get(id);
      if (!robot) return;
      const walking = robot.behaviour === 'WALKING';
      const sleeping = robot.behaviour === 'SLEEPING';
      const working = robot.behaviour === 'WORKING';
      const bob = walking ? Math.abs(Math.sin(time * 9 + i)) * 0.06 : 0;
      const dummy = this.dummy;
      dummy.position.set(robot.x, 0.3 + bob - (sleeping ? 0.08 : 0), robot.z);
      dummy.rotation.set(0, robot.heading, 0);
      dummy.updateMatrix();
      this.body.setMatrixAt(i, dummy.matrix);
      // Sleeping robots drop their heads; working ones nod along to the keyboard.
      const nod = sleeping ? 0.5 : working ? Math.sin(time * 6 + i) * 0.08 : 0;
      dummy.position.y += 0.42;
      dummy.rotation.set(nod, robot.heading, 0);
      dummy.updateMatrix();
      this.head.setMatrixAt(i, dummy.matrix);
      dummy.translateZ(0.16);
      dummy.updateMatrix();
      this.visor.setMatrixAt(i, dummy.matrix);
      this.visor.setColorAt(
        i,
        this.color.setHex(id === selected ? SELECTED : VISOR[robot.behaviour]),
      );
      (this.labels[i] as THREE.Sprite).position.set(robot.x, 1.35 + bob, robot.z);
    });
    this.body.instanceMatrix.needsUpdate = true;
    this.head.instanceMatrix.needsUpdate = true;
    this.visor.instanceMatrix.needsUpdate = true;
    if (this.visor.instanceColor) this.visor.instanceColor.needsUpdate = true;
  }

  dispose() {
    for (const mesh of [this.body, this.head, this.visor]) {
      mesh.geometry.dispose();
      (mesh.material as THREE.Material).dispose();
      mesh.dispose();
    }
    for (const sprite of this.labels) {
      sprite.material.map?.dispose();
      sprite.material.dispose();
    }
  }
}

/** Which robot a raycast hit, if any. */
export function robotHit(hit: THREE.Intersection): string | null {
  const ids = hit.object.userData.robotIds as string[] | undefined;
  return ids && hit.instanceId !== undefined ? (ids[hit.instanceId] ?? null) : null;
}
