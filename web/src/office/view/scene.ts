import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import type { Cell, Layout } from '../../../../worker/office/layout';
import type { OfficeWorld } from '../state/world';
import { buildRoom, type PieceBox, pieceHit } from './furniture';
import { SELECTED } from './palette';
import { RobotMeshes } from './robots';

/** What a click landed on: a robot, a piece of furniture, or a bare floor cell. */
export type Pick =
  | { kind: 'robot'; agentId: string }
  | { kind: 'furniture'; id: string; cell: Cell }
  | { kind: 'floor'; cell: Cell };

/**
 * The view layer: owns every three.js object and reads the world each frame; it never
 * changes the world. Floor, walls and furniture are rebuilt when the world's version moves.
 */
export class OfficeView {
  readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.PerspectiveCamera(45, 1, 0.1, 500);
  private readonly controls: OrbitControls;
  private readonly raycaster = new THREE.Raycaster();
  private room = new THREE.Group();
  private pieces: PieceBox[] = [];
  private robots: RobotMeshes | null = null;
  private highlight: THREE.Mesh;
  private builtVersion = -1;
  private framedLayout: string | null = null;

  constructor(private readonly canvas: HTMLCanvasElement) {
    // No MSAA: with software GL (and on weak laptops) it costs more than the whole scene.
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: false });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.renderer.shadowMap.enabled = false;
    this.scene.background = new THREE.Color(0x1d2330);
    // No lights in the scene: the room's light is baked into its vertices and robots light
    // themselves per vertex (see bake.ts), which software GL draws far faster.
    this.highlight = new THREE.Mesh(
      new THREE.RingGeometry(0.55, 0.7, 32).rotateX(-Math.PI / 2),
      new THREE.MeshBasicMaterial({ color: SELECTED }),
    );
    this.highlight.visible = false;
    this.scene.add(this.room, this.highlight);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.maxPolarAngle = Math.PI / 2.3;
    this.controls.enableDamping = true;
  }

  /** Matches the drawing buffer to the canvas's size on screen. */
  resize() {
    const { clientWidth: w, clientHeight: h } = this.canvas;
    if (w === 0 || h === 0) return;
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
  }

  /** Draws one frame of `world`; `selected` robot or furniture gets a ring. */
  render(
    world: OfficeWorld,
    time: number,
    selected: { robot?: string | null; furniture?: Cell | null },
  ) {
    if (world.version !== this.builtVersion && world.layout) this.rebuild(world, world.layout);
    this.robots?.update(world.robots, time, selected.robot ?? null);
    const robot = selected.robot ? world.robots.get(selected.robot) : undefined;
    const at = robot
      ? { x: robot.x, z: robot.z }
      : selected.furniture
        ? { x: selected.furniture.x + 0.5, z: selected.furniture.z + 0.5 }
        : null;
    this.highlight.visible = at !== null;
    if (at) this.highlight.position.set(at.x, 0.02, at.z);
    this.controls.update();
    this.renderer.render(this.scene, this.camera);
  }

  /** Robots drawn in the scene right now. */
  get robotCount(): number {
    return this.robots?.count ?? 0;
  }

  /** Where world point (x, y, z) is drawn, in page CSS pixels. */
  toScreen(x: number, y: number, z: number): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    const p = new THREE.Vector3(x, y, z).project(this.camera);
    return {
      x: rect.left + ((p.x + 1) / 2) * rect.width,
      y: rect.top + ((1 - p.y) / 2) * rect.height,
    };
  }

  /** What is under the pointer at canvas pixel (x, y). */
  pick(x: number, y: number, layout: Layout | null, robots = true): Pick | null {
    const rect = this.canvas.getBoundingClientRect();
    this.raycaster.setFromCamera(
      new THREE.Vector2(
        ((x - rect.left) / rect.width) * 2 - 1,
        -((y - rect.top) / rect.height) * 2 + 1,
      ),
      this.camera,
    );
    // Boxes, not meshes: robots are posed on the GPU, and a box per piece is plenty to click.
    const ray = this.raycaster.ray;
    const agentId = robots ? (this.robots?.pick(ray) ?? null) : null;
    if (agentId) return { kind: 'robot', agentId };
    const point = new THREE.Vector3();
    const onFloor = ray.intersectPlane(new THREE.Plane(new THREE.Vector3(0, 1, 0), 0), point);
    const cell = onFloor ? { x: Math.floor(point.x), z: Math.floor(point.z) } : null;
    const id = pieceHit(ray, this.pieces);
    if (id) return { kind: 'furniture', id, cell: cell ?? { x: 0, z: 0 } };
    if (
      !cell ||
      !layout ||
      cell.x < 0 ||
      cell.z < 0 ||
      cell.x >= layout.width ||
      cell.z >= layout.depth
    )
      return null;
    return { kind: 'floor', cell };
  }

  dispose() {
    this.controls.dispose();
    this.robots?.dispose();
    this.disposeRoom();
    this.renderer.dispose();
  }

  private rebuild(world: OfficeWorld, layout: Layout) {
    this.builtVersion = world.version;
    this.disposeRoom();
    const { group, pieces } = buildRoom(layout);
    this.room = group;
    this.pieces = pieces;
    this.scene.add(this.room);
    this.robots?.dispose();
    if (this.robots) this.scene.remove(this.robots.group);
    this.robots = new RobotMeshes(new Map([...world.agents.values()].map((a) => [a.id, a.name])));
    this.scene.add(this.robots.group);
    const size = `${layout.width}x${layout.depth}`;
    if (this.framedLayout !== size) {
      this.framedLayout = size;
      const span = Math.max(layout.width, layout.depth);
      this.controls.target.set(layout.width / 2, 0, layout.depth / 2);
      this.camera.position.set(layout.width / 2, span * 0.85, layout.depth / 2 + span * 0.75);
    }
  }

  private disposeRoom() {
    this.scene.remove(this.room);
    this.room.traverse((object) => {
      if (object instanceof THREE.Mesh || object instanceof THREE.LineSegments) {
        object.geometry.dispose();
        (object.material as THREE.Material).dispose();
      }
    });
  }
}
