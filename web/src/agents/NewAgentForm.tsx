import { useState } from 'preact/hooks';
import { describeFailure, hq, ok } from '../api/client';
import type { Sent } from '../api/schema';
import { type ExecutorDraft, ExecutorFields, executorDraft, executorOf } from './ExecutorFields';
import { PROVIDERS } from './types';

type NewAgent = Sent<'/api/agents', 'post'>;

/** Creates an agent; the server's field errors are shown next to the form. */
export function NewAgentForm({ onCreated }: { onCreated: () => void }) {
  const [form, setForm] = useState({
    slug: '',
    name: '',
    type: 'WORKER' as NewAgent['type'],
    role: '',
    model: '',
    provider: 'openai' as NewAgent['provider'],
  });
  const [executor, setExecutor] = useState<ExecutorDraft>(() => executorDraft(null));
  const [error, setError] = useState<string | null>(null);
  const set = (key: keyof typeof form) => (e: Event) =>
    setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement).value });

  async function submit(event: Event) {
    event.preventDefault();
    try {
      await ok(hq.POST('/api/agents', { body: { ...form, executor: executorOf(executor) } }));
      onCreated();
    } catch (e) {
      setError(describeFailure(e));
    }
  }

  return (
    <form class="panel form-grid" onSubmit={submit}>
      <label>
        Slug <input value={form.slug} onInput={set('slug')} required />
      </label>
      <label>
        Name <input value={form.name} onInput={set('name')} required />
      </label>
      <label>
        Type
        <select value={form.type} onChange={set('type')}>
          <option>WORKER</option>
          <option>REVIEWER</option>
          <option>LEAD</option>
        </select>
      </label>
      <label>
        Role <input value={form.role} onInput={set('role')} required />
      </label>
      <label>
        Model <input value={form.model} onInput={set('model')} required />
      </label>
      <label>
        Provider
        <select value={form.provider} onChange={set('provider')}>
          {PROVIDERS.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <ExecutorFields draft={executor} onChange={setExecutor} disabled={false} />
      {error && <p class="error wide">{error}</p>}
      <button type="submit">Create</button>
    </form>
  );
}
