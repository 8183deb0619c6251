import * as THREE from 'three';
import type { Robot } from '../state/behaviour';
import { NameTags } from './labels';
import { ROBOT_BODY, ROBOT_HEAD, SELECTED, VISOR } from './palette';

/**
 * Every robot as three instanced meshes (body, head, visor) and its name tag: a few draw
 * calls for the whole company, so 200 robots stay smooth.
 */
export class RobotMeshes {
  readonly group = new THREE.Group();
  readonly ids: string[];
  private readonly body: THREE.InstancedMesh;
  private readonly head: THREE.InstancedMesh;
  private readonly visor: THREE.InstancedMesh;
  /** A light on top, in the behaviour's colour: readable from behind and from far away. */
  private readonly lamp: THREE.InstancedMesh;
  private readonly tags: NameTags;
  private readonly dummy = new THREE.Object3D();
  private readonly color = new THREE.Color();

  constructor(names: Map<string, string>) {
    this.ids = [...names.keys()];
    const n = Math.max(1, this.ids.length);
    const material = (color: number) => new THREE.MeshLambertMaterial({ color });
    this.body = new THREE.InstancedMesh(
      new THREE.BoxGeometry(0.55, 0.6, 0.4),
      material(ROBOT_BODY),
      n,
    );
    this.head = new THREE.InstancedMesh(
      new THREE.BoxGeometry(0.46, 0.34, 0.38),
      material(ROBOT_HEAD),
      n,
    );
    this.visor = new THREE.InstancedMesh(
      new THREE.BoxGeometry(0.36, 0.1, 0.02),
      new THREE.MeshBasicMaterial({ color: 0xffffff }),
      n,
    );
    this.lamp = new THREE.InstancedMesh(
      new THREE.OctahedronGeometry(0.1),
      new THREE.MeshBasicMaterial({ color: 0xffffff }),
      n,
    );
    for (const mesh of this.meshes) {
      mesh.count = this.ids.length;
      mesh.instanceMatrix.setUsage(THREE.DynamicDrawUsage);
      mesh.frustumCulled = false;
      mesh.userData.robotIds = this.ids;
    }
    this.tags = new NameTags(this.ids.map((id) => names.get(id) ?? id));
    this.group.add(...this.meshes, this.tags.mesh);
  }

  private get meshes() {
    return [this.body, this.head, this.visor, this.lamp];
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
      const colour = this.color.setHex(id === selected ? SELECTED : VISOR[robot.behaviour]);
      dummy.position.set(robot.x, 0.35 + bob - (sleeping ? 0.08 : 0), robot.z);
      dummy.rotation.set(0, robot.heading, 0);
      dummy.updateMatrix();
      this.body.setMatrixAt(i, dummy.matrix);
      // Sleeping robots drop their heads; working ones nod along to the keyboard.
      const nod = sleeping ? 0.5 : working ? Math.sin(time * 6 + i) * 0.08 : 0;
      dummy.position.y += 0.5;
      dummy.rotation.set(nod, robot.heading, 0);
      dummy.updateMatrix();
      this.head.setMatrixAt(i, dummy.matrix);
      dummy.translateY(0.27);
      dummy.updateMatrix();
      this.lamp.setMatrixAt(i, dummy.matrix);
      this.lamp.setColorAt(i, colour);
      dummy.translateY(-0.27);
      dummy.translateZ(0.2);
      dummy.updateMatrix();
      this.visor.setMatrixAt(i, dummy.matrix);
      this.visor.setColorAt(i, colour);
      this.tags.place(i, robot.x, 1.55 + bob, robot.z);
    });
    for (const mesh of this.meshes) {
      mesh.instanceMatrix.needsUpdate = true;
      if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    }
    this.tags.done();
  }

  dispose() {
    for (const mesh of this.meshes) {
      mesh.geometry.dispose();
      (mesh.material as THREE.Material).dispose();
      mesh.dispose();
    }
    this.tags.dispose();
  }
}

/** Which robot a raycast hit, if any. */
export function robotHit(hit: THREE.Intersection): string | null {
  const ids = hit.object.userData.robotIds as string[] | undefined;
  return ids && hit.instanceId !== undefined ? (ids[hit.instanceId] ?? null) : null;
}
