import { useEffect, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import type { GetOk, Schema } from '../api/schema';

type SecretsCheck = GetOk<'/api/health'>['checks']['secrets'];
type ResealReport = Schema<'ResealReport'>;

/** Whether every stored secret opens with the configured keys, and the reseal after a key change. */
export function SecretsPanel() {
  const [check, setCheck] = useState<SecretsCheck | null>(null);
  const [report, setReport] = useState<ResealReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = () => ok(hq.GET('/api/health')).then((h) => setCheck(h.checks.secrets));
  useEffect(() => {
    load().catch((e) => setError(messageOf(e)));
  }, []);

  async function reseal() {
    setBusy(true);
    try {
      setReport(await ok(hq.POST('/api/admin/secrets/reseal')));
      setError(null);
      await load();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="panel" data-testid="secrets-panel">
      <h3>Secrets</h3>
      {check && <p class={check.status === 'ok' ? 'muted' : 'warning'}>{check.message}</p>}
      <p class="muted">
        After changing ENCRYPTION_KEY, put the old key in ENCRYPTION_KEY_PREVIOUS and re-seal: every
        stored secret is then encrypted with the current key, and the old one can go.
      </p>
      <button type="button" onClick={() => void reseal()} disabled={busy}>
        {busy ? 'Re-sealing…' : 'Re-seal all secrets'}
      </button>
      {report && (
        <p role="status" class={report.unreadable ? 'warning' : 'notice'}>
          Re-sealed {report.resealed}, already current {report.alreadyCurrent}, unreadable{' '}
          {report.unreadable}
          {report.unreadableAgents.length > 0 &&
            ` (${report.unreadableAgents.map((a) => `${a.slug}: ${a.servers.join(', ')}`).join('; ')})`}
          .
        </p>
      )}
      {error && <p class="error">{error}</p>}
    </div>
  );
}
