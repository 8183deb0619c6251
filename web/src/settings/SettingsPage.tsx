import { useEffect, useState } from 'preact/hooks';
import type { Agent } from '../agents/types';
import { hq, messageOf, ok } from '../api/client';
import { ApiTokensPanel } from './ApiTokensPanel';
import { NotificationRules } from './NotificationRules';
import { PricesPanel } from './PricesPanel';
import { RecordForm, UrlForm } from './RecordForm';
import { ReviewPanel } from './ReviewPanel';
import { RolesPanel } from './RolesPanel';
import { RunnersPanel } from './RunnersPanel';
import { SecretsPanel } from './SecretsPanel';
import type { SettingsValue, SettingsView } from './types';

/**
 * Admin settings: worker switches, providers, runners, API tokens, the price table, models, thresholds, briefing,
 * the CEO, secrets, roles.
 */
export function SettingsPage() {
  const [view, setView] = useState<SettingsView | null>(null);
  const [agents, setAgents] = useState<Agent[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    setView(await ok(hq.GET('/api/settings')));
    setAgents((await ok(hq.GET('/api/agents'))).agents);
  };
  useEffect(() => {
    load().catch((e) => setError(messageOf(e)));
  }, []);

  async function save(patch: Partial<SettingsValue>, what: string) {
    try {
      setView(await ok(hq.PATCH('/api/settings', { body: patch })));
      setNotice(`Saved ${what}.`);
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  async function toggleAgent(agent: Agent) {
    try {
      await ok(
        hq.PATCH('/api/agents/{slug}', {
          params: { path: { slug: agent.slug } },
          body: { workerEnabled: !agent.workerEnabled, reason: 'settings toggle' },
        }),
      );
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
      <RunnersPanel />
      <ApiTokensPanel />
      <PricesPanel />
      <RecordForm
        title="Default models"
        values={s.defaultModels}
        onSave={(v) =>
          save({ defaultModels: v as SettingsValue['defaultModels'] }, 'default models')
        }
      />
      <RecordForm
        title="Work loop"
        values={s.workLoop}
        numeric
        onSave={(v) => save({ workLoop: v as SettingsValue['workLoop'] }, 'the work loop')}
      />
      <RecordForm
        title="Ops scan thresholds"
        values={s.thresholds}
        numeric
        onSave={(v) => save({ thresholds: v as SettingsValue['thresholds'] }, 'thresholds')}
      />
      <RecordForm
        title="Morning briefing"
        values={s.briefing}
        onSave={(v) => save({ briefing: v as SettingsValue['briefing'] }, 'the briefing time')}
      />
      <ReviewPanel value={s.review} onSave={(review) => save({ review }, 'the review settings')} />
      <NotificationRules
        rules={s.notificationRules}
        onSave={(rules) => save({ notificationRules: rules }, 'the notification rules')}
      />
      <RecordForm
        title="Voice budget, dedup and memory"
        values={s.ceo}
        numeric
        onSave={(v) => save({ ceo: v as SettingsValue['ceo'] }, 'the CEO settings')}
      />
      <RecordForm
        title="Rate limits"
        values={s.rateLimits}
        numeric
        onSave={(v) => save({ rateLimits: v as SettingsValue['rateLimits'] }, 'the rate limits')}
      />
      <UrlForm
        title="Model endpoint"
        label="Base URL"
        hint="Any OpenAI-compatible endpoint for the CEO's models, https (http only on this machine). It is called with OPENAI_COMPATIBLE_API_KEY, never with OPENAI_API_KEY (that one goes to OpenAI only). Empty: OPENAI_COMPATIBLE_BASE_URL, else OpenAI when OPENAI_API_KEY is set."
        value={s.modelEndpoint.baseUrl}
        onSave={(baseUrl) => save({ modelEndpoint: { baseUrl } }, 'the model endpoint')}
      />
      <UrlForm
        title="Telegram API root"
        label="Bot API root"
        hint="Empty: Telegram's own Bot API. Set it to use a self-hosted telegram-bot-api server, https (http only on this machine); it receives the bot token."
        value={s.telegram.apiRoot}
        onSave={(apiRoot) => save({ telegram: { apiRoot } }, 'the Telegram API root')}
      />
      <SecretsPanel />
      <RolesPanel />
    </section>
  );
}
