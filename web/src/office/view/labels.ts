import * as THREE from 'three';

const CELL_W = 256;
const CELL_H = 64;
const COLUMNS = 8;
/** Size of a name tag in world units (cells). */
const TAG = new THREE.Vector2(2, 0.5);

/** Draws every name once into one atlas canvas, a 256x64 cell each, row by row. */
function atlas(names: string[]): { texture: THREE.CanvasTexture; rows: number } {
  const rows = Math.max(1, Math.ceil(names.length / COLUMNS));
  const canvas = document.createElement('canvas');
  canvas.width = CELL_W * COLUMNS;
  canvas.height = CELL_H * rows;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.font = '600 30px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  names.forEach((name, i) => {
    const x = (i % COLUMNS) * CELL_W;
    const y = Math.floor(i / COLUMNS) * CELL_H;
    const width = Math.min(CELL_W - 8, ctx.measureText(name).width + 24);
    ctx.fillStyle = '#1a1f29';
    ctx.beginPath();
    ctx.roundRect(x + (CELL_W - width) / 2, y + 8, width, 48, 14);
    ctx.fill();
    ctx.fillStyle = '#ffffff';
    ctx.fillText(name, x + CELL_W / 2, y + 33, CELL_W - 24);
  });
  const texture = new THREE.CanvasTexture(canvas);
  texture.colorSpace = THREE.SRGBColorSpace;
  // Tags are seen at about their drawn size: no mipmaps, one texture read per pixel.
  texture.generateMipmaps = false;
  texture.minFilter = THREE.LinearFilter;
  return { texture, rows };
}

// Each instance is a quad turned to face the camera in the vertex shader, showing its own
// cell of the atlas: every name tag of the company in one draw call. Opaque tags with the
// corners cut out by `discard`: no blending, which software GL pays dearly for.
const vertexShader = /* glsl */ `
attribute vec2 cell;
uniform vec2 cellSize;
uniform vec2 tag;
varying vec2 vUv;
void main() {
  vUv = (cell + uv) * cellSize;
  vec4 centre = modelViewMatrix * instanceMatrix * vec4(0.0, 0.0, 0.0, 1.0);
  centre.xy += position.xy * tag;
  gl_Position = projectionMatrix * centre;
}`;

const fragmentShader = /* glsl */ `
uniform sampler2D map;
varying vec2 vUv;
void main() {
  vec4 colour = texture2D(map, vUv);
  if (colour.a < 0.5) discard;
  gl_FragColor = colour;
  #include <colorspace_fragment>
}`;

/** Name tags above the robots, one instanced quad each, all from one texture. */
export class NameTags {
  readonly mesh: THREE.InstancedMesh;
  private readonly texture: THREE.CanvasTexture;
  private readonly matrix = new THREE.Matrix4();

  constructor(names: string[]) {
    const { texture, rows } = atlas(names);
    this.texture = texture;
    const geometry = new THREE.PlaneGeometry(1, 1);
    // The atlas's first row is at the top of the canvas, which is the top of the texture (v = 1).
    const cells = new Float32Array(Math.max(1, names.length) * 2);
    names.forEach((_, i) => {
      cells[i * 2] = i % COLUMNS;
      cells[i * 2 + 1] = rows - 1 - Math.floor(i / COLUMNS);
    });
    geometry.setAttribute('cell', new THREE.InstancedBufferAttribute(cells, 2));
    const material = new THREE.ShaderMaterial({
      uniforms: {
        map: { value: texture },
        cellSize: { value: new THREE.Vector2(1 / COLUMNS, 1 / rows) },
        tag: { value: TAG },
      },
      vertexShader,
      fragmentShader,
    });
    this.mesh = new THREE.InstancedMesh(geometry, material, Math.max(1, names.length));
    this.mesh.count = names.length;
    this.mesh.frustumCulled = false;
    this.mesh.instanceMatrix.setUsage(THREE.DynamicDrawUsage);
  }

  /** Puts tag `i` at (x, y, z). Call `done()` after the last one of a frame. */
  place(i: number, x: number, y: number, z: number) {
    this.mesh.setMatrixAt(i, this.matrix.makeTranslation(x, y, z));
  }

  done() {
    this.mesh.instanceMatrix.needsUpdate = true;
  }

  dispose() {
    this.texture.dispose();
    this.mesh.geometry.dispose();
    (this.mesh.material as THREE.Material).dispose();
    this.mesh.dispose();
  }
}
