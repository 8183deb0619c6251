import { useEffect, useState } from 'preact/hooks';
import type { Agent } from '../agents/types';
import { api, messageOf } from '../api/client';
import { RolesPanel } from './RolesPanel';
import type { SettingsValue, SettingsView } from './types';

/** Admin settings: worker switches, providers, models, thresholds, briefing, roles. */
export function SettingsPage() {
  const [view, setView] = useState<SettingsView | null>(null);
  const [agents, setAgents] = useState<Agent[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    setView(await api<SettingsView>('/api/settings'));
    setAgents((await api<{ agents: Agent[] }>('/api/agents')).agents);
  };
  useEffect(() => {
    load().catch((e) => setError(messageOf(e)));
  }, []);

  async function save(patch: Partial<SettingsValue>, what: string) {
    try {
      setView(await api<SettingsView>('/api/settings', { method: 'PATCH', body: patch }));
      setNotice(`Saved ${what}.`);
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  async function toggleAgent(agent: Agent) {
    try {
      await api(`/api/agents/${agent.slug}`, {
        method: 'PATCH',
        body: { workerEnabled: !agent.workerEnabled, reason: 'settings toggle' },
      });
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  }

  if (!view) return error ? <p class="error">{error}</p> : <p class="muted">Loading…</p>;
  const s = view.settings;
  return (
    <section class="settings">
      <h2>Settings</h2>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {error && <p class="error">{error}</p>}
      <div class="panel">
        <h3>Workers</h3>
        <label class="check">
          <input
            type="checkbox"
            checked={s.workerSwitch}
            onChange={() => void save({ workerSwitch: !s.workerSwitch }, 'the worker switch')}
          />{' '}
          Global worker switch (off: no task is assigned)
        </label>
        <ul class="plain">
          {agents.map((a) => (
            <li key={a.slug}>
              <label class="check">
                <input
                  type="checkbox"
                  checked={a.workerEnabled}
                  onChange={() => void toggleAgent(a)}
                  aria-label={`Worker ${a.slug}`}
                />{' '}
                {a.name} <span class="muted">({a.slug})</span>
              </label>
            </li>
          ))}
        </ul>
      </div>
      <div class="panel">
        <h3>Providers</h3>
        <table class="table">
          <tbody>
            {view.providers.map((p) => (
              <tr key={p.provider}>
                <td>{p.provider}</td>
                <td class={p.configured ? 'ok' : 'muted'}>
                  {p.configured ? 'present' : `missing ${p.missing.join(', ')}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <RecordForm
        title="Default models"
        values={s.defaultModels}
        onSave={(v) => save({ defaultModels: v as Record<string, string> }, 'default models')}
      />
      <RecordForm
        title="Ops scan thresholds"
        values={s.thresholds}
        numeric
        onSave={(v) => save({ thresholds: v as Record<string, number> }, 'thresholds')}
      />
      <RecordForm
        title="Morning briefing"
        values={s.briefing}
        onSave={(v) => save({ briefing: v as SettingsValue['briefing'] }, 'the briefing time')}
      />
      <RolesPanel />
    </section>
  );
}

function RecordForm<T extends Record<string, string | number>>(props: {
  title: string;
  values: T;
  numeric?: boolean;
  onSave: (values: Record<string, string | number>) => void;
}) {
  const [draft, setDraft] = useState<Record<string, string>>(() =>
    Object.fromEntries(Object.entries(props.values).map(([k, v]) => [k, String(v)])),
  );
  return (
    <form
      class="panel form-grid"
      aria-label={props.title}
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave(
          Object.fromEntries(
            Object.entries(draft).map(([k, v]) => [k, props.numeric ? Number(v) : v]),
          ),
        );
      }}
    >
      <h3 class="wide">{props.title}</h3>
      {Object.keys(draft).map((key) => (
        <label key={key}>
          {key}{' '}
          <input
            name={key}
            value={draft[key]}
            onInput={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })}
          />
        </label>
      ))}
      <button type="submit">Save {props.title.toLowerCase()}</button>
    </form>
  );
}
