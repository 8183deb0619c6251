import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, hq, ok } from '../api/client';
import type { Sent } from '../api/schema';
import { hasRole, me } from '../auth/session';
import { AgentCard } from './AgentCard';
import {
  connection,
  layoutNote,
  type OfficeHandle,
  roster,
  selectedAgent,
  selectedFurniture,
  startOffice,
} from './runtime';
import './office.css';

const LABEL = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  closed: 'closed',
};

type Placement = Sent<'/api/office/furniture/{id}', 'put'>;

async function move(id: string, to: Placement) {
  try {
    await ok(hq.PUT('/api/office/furniture/{id}', { params: { path: { id } }, body: to }));
    layoutNote.value = `Moved ${id}.`;
  } catch (error) {
    layoutNote.value = error instanceof ApiFailure ? error.message : String(error);
  }
}

/** The live office: every agent a robot on a 3D floor. Loaded only when this page opens. */
export default function OfficePage() {
  const canvas = useRef<HTMLCanvasElement>(null);
  const office = useRef<OfficeHandle | null>(null);
  const [arranging, setArranging] = useState(false);
  const admin = hasRole(me.value, 'admin');

  useEffect(() => {
    if (!canvas.current) return;
    const handle = startOffice(canvas.current);
    office.current = handle;
    return () => handle.stop();
  }, []);

  const onClick = (event: MouseEvent) => {
    const hit = office.current?.pick(event.clientX, event.clientY, arranging);
    if (!arranging || !hit) return;
    const chosen = selectedFurniture.value;
    if (hit.kind === 'furniture') selectedFurniture.value = { id: hit.id, cell: hit.cell };
    else if (hit.kind === 'floor' && chosen) {
      const item = office.current?.furniture(chosen.id);
      if (item) void move(item.id, { x: hit.cell.x, z: hit.cell.z, rotation: item.rotation });
      selectedFurniture.value = null;
    }
  };

  const turn = () => {
    const chosen = selectedFurniture.value;
    const item = chosen ? office.current?.furniture(chosen.id) : undefined;
    if (item)
      void move(item.id, {
        x: item.x,
        z: item.z,
        rotation: ((item.rotation + 90) % 360) as Placement['rotation'],
      });
  };

  const agent = selectedAgent.value;
  const behaviour = roster.value.find((r) => r.id === agent?.id)?.behaviour ?? 'IDLE_DESK';
  return (
    <section class="office">
      <header class="office-bar">
        <h2>Office</h2>
        <span class={`office-status ${connection.value}`} data-testid="office-status">
          {LABEL[connection.value]}
        </span>
        {admin ? (
          <button type="button" onClick={() => setArranging(!arranging)} aria-pressed={arranging}>
            {arranging ? 'Done arranging' : 'Arrange furniture'}
          </button>
        ) : null}
        {arranging && selectedFurniture.value ? (
          <span>
            {selectedFurniture.value.id}: click a free spot on the floor, or{' '}
            <button type="button" onClick={turn}>
              Turn
            </button>
          </span>
        ) : arranging ? (
          <span>Click a piece of furniture to move it.</span>
        ) : null}
        {layoutNote.value ? (
          <span class="office-note" role="status">
            {layoutNote.value}
          </span>
        ) : null}
      </header>
      <div class="office-stage">
        <canvas
          ref={canvas}
          class="office-canvas"
          onClick={onClick}
          aria-label="The office floor"
        />
        {agent ? (
          <AgentCard
            agent={agent}
            behaviour={behaviour}
            onClose={() => (selectedAgent.value = null)}
          />
        ) : null}
      </div>
      <ul class="visually-hidden" aria-label="Robots">
        {roster.value.map((r) => (
          <li key={r.id} data-agent={r.id} data-behaviour={r.behaviour}>
            {r.name}: {r.behaviour}
          </li>
        ))}
      </ul>
    </section>
  );
}
