import * as THREE from 'three';
import type { Robot } from '../state/behaviour';
import { NameTags } from './labels';
import { SELECTED, VISOR } from './palette';
import { fragmentShader, robotsGeometry, vertexShader } from './robot-shape';

/** An agent's own body colour, the same on every visit: tells robots apart at a glance. */
function bodyColour(id: string): THREE.Color {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return new THREE.Color().setHSL((h >>> 0) / 4294967296, 0.45, 0.58);
}

/** Half the width and the height of the box a click on a robot must hit. */
const REACH = 0.35;
const HEIGHT = 1.25;

/**
 * Every robot as one mesh whose vertex shader poses each robot from a small texture, and
 * their name tags, placed by the same texture, as one more: two draw calls for the whole
 * company. Per frame only that texture (two texels a robot) is sent to the GPU.
 */
export class RobotMeshes {
  readonly group = new THREE.Group();
  readonly ids: string[];
  private readonly mesh: THREE.Mesh;
  private readonly poses: Float32Array;
  private readonly texture: THREE.DataTexture;
  private readonly tags: NameTags;
  private readonly color = new THREE.Color();

  constructor(names: Map<string, string>) {
    this.ids = [...names.keys()];
    const n = Math.max(1, this.ids.length);
    this.poses = new Float32Array(n * 2 * 4);
    this.texture = new THREE.DataTexture(this.poses, n * 2, 1, THREE.RGBAFormat, THREE.FloatType);
    this.texture.needsUpdate = true;
    const material = new THREE.ShaderMaterial({
      uniforms: { poses: { value: this.texture } },
      vertexShader,
      fragmentShader,
    });
    this.mesh = new THREE.Mesh(robotsGeometry(this.ids.map(bodyColour)), material);
    // Robots move in the shader: the geometry's own bounds say nothing about where they are.
    this.mesh.frustumCulled = false;
    // Drawn first, so the floor under them fails the depth test instead of being shaded.
    this.mesh.renderOrder = -1;
    this.mesh.visible = this.ids.length > 0;
    this.tags = new NameTags(
      this.ids.map((id) => names.get(id) ?? id),
      this.texture,
    );
    this.group.add(this.mesh, this.tags.mesh);
  }

  /** How many robots stand in the scene. */
  get count(): number {
    return this.ids.length;
  }

  /** Poses every robot from its state; `time` (seconds) drives the little animations. */
  update(robots: Map<string, Robot>, time: number, selected: string | null) {
    const poses = this.poses;
    this.ids.forEach((id, i) => {
      const robot = robots.get(id);
      if (!robot) return;
      const walking = robot.behaviour === 'WALKING';
      const sleeping = robot.behaviour === 'SLEEPING';
      const working = robot.behaviour === 'WORKING';
      const bob = walking ? Math.abs(Math.sin(time * 9 + i)) * 0.06 : 0;
      // Sleeping robots sink and drop their heads; working ones nod along to the keyboard.
      const nod = sleeping ? 0.5 : working ? Math.sin(time * 6 + i) * 0.08 : 0;
      const colour = this.color.setHex(id === selected ? SELECTED : VISOR[robot.behaviour]);
      const at = i * 8;
      poses[at] = robot.x;
      poses[at + 1] = bob - (sleeping ? 0.08 : 0);
      poses[at + 2] = robot.z;
      poses[at + 3] = robot.heading;
      poses[at + 4] = nod;
      poses[at + 5] = colour.r;
      poses[at + 6] = colour.g;
      poses[at + 7] = colour.b;
    });
    this.texture.needsUpdate = true;
  }

  /** The nearest robot `ray` passes through, tested against a box around each. */
  pick(ray: THREE.Ray): string | null {
    const box = new THREE.Box3();
    const point = new THREE.Vector3();
    let best: string | null = null;
    let nearest = Number.POSITIVE_INFINITY;
    this.ids.forEach((id, i) => {
      const x = this.poses[i * 8] ?? 0;
      const z = this.poses[i * 8 + 2] ?? 0;
      box.min.set(x - REACH, 0, z - REACH);
      box.max.set(x + REACH, HEIGHT, z + REACH);
      if (!ray.intersectBox(box, point)) return;
      const distance = point.distanceTo(ray.origin);
      if (distance < nearest) {
        nearest = distance;
        best = id;
      }
    });
    return best;
  }

  dispose() {
    this.mesh.geometry.dispose();
    (this.mesh.material as THREE.Material).dispose();
    this.texture.dispose();
    this.tags.dispose();
  }
}
