import { useEffect, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import { type CeoState, type ScanResult, SUPPRESSION_REASONS, when } from './types';

const usd = (n: number) => `$${n.toFixed(2)}`;

/**
 * Inside the CEO (operators and up): its queue, the digest buffer, the guards, the model.
 * `version` changes when the page refreshes, so the state is read again with the list.
 */
export function CeoPanel({ version, onScanned }: { version: number; onScanned: () => void }) {
  const [state, setState] = useState<CeoState | null>(null);
  const [scan, setScan] = useState<ScanResult | null>(null);
  const [scanning, setScanning] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    ok(hq.GET('/api/ceo/state')).then(
      (s) => {
        setState(s);
        setError(null);
      },
      (e) => setError(messageOf(e)),
    );
  useEffect(() => {
    void load();
  }, [version]);

  async function runScan() {
    setScanning(true);
    try {
      setScan(await ok(hq.POST('/api/ceo/scan')));
      onScanned();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setScanning(false);
    }
  }

  return (
    <section class="panel ceo-panel" aria-labelledby="ceo-panel-title">
      <div class="heading-row">
        <h3 id="ceo-panel-title">The CEO now</h3>
        <button type="button" disabled={scanning} onClick={() => void runScan()}>
          {scanning ? 'Scanning…' : 'Run ops scan now'}
        </button>
      </div>
      {error && <p class="error">{error}</p>}
      {scan && <ScanOutcome scan={scan} />}
      {state && (
        <div class="ceo-grid">
          <dl class="facts" aria-label="CEO facts">
            <dt>Queue depth</dt>
            <dd data-testid="ceo-queue-depth">{state.queueDepth}</dd>
            <dt>Set aside</dt>
            <dd data-testid="ceo-dead-letters">
              {state.deadLetters.length
                ? state.deadLetters
                    .map((d) => `${d.key} (${d.attempts} attempts: ${d.error})`)
                    .join('; ')
                : 'nothing'}
            </dd>
            <dt>Model</dt>
            <dd data-testid="ceo-model">
              {state.model.configured ? 'configured' : 'not configured (raw text, no memory)'}
            </dd>
            <dt>Voice spend today</dt>
            <dd data-testid="ceo-voice-spend">
              {usd(state.model.voiceSpentTodayUsd)} of {usd(state.model.voiceDailyBudgetUsd)}
            </dd>
            <dt>Last proactive send</dt>
            <dd>{when(state.lastProactiveSentAt)}</dd>
            <dt>Last ops scan</dt>
            <dd>{when(state.lastScanAt)}</dd>
          </dl>
          <table class="table" aria-label="Guards">
            <thead>
              <tr>
                <th>Guard</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(state.guards).map(([name, g]) => (
                <tr key={name} data-testid={`guard-${name}`}>
                  <td>
                    <code>{name}</code>
                    <div class="muted small">{SUPPRESSION_REASONS[name]}</div>
                  </td>
                  <td class={g.closed ? 'closed' : 'ok'}>
                    {g.closed ? `closed until ${when(g.until)}` : 'open'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="digest-buffer" data-testid="digest-buffer">
            <h4>Digest buffer</h4>
            {state.digest.size ? (
              <p>
                {state.digest.size + state.digest.folded} event(s), due {when(state.digest.dueAt)}
                {state.digest.flushInProgress && ' (a flush is in progress)'}
              </p>
            ) : (
              <p class="muted">Empty: nothing waits for the next digest.</p>
            )}
            <ul class="plain">
              {state.digest.members.map((m) => (
                <li key={m.id}>
                  <code>{m.type}</code>
                  {m.lowSignal && <span class="flag">low signal</span>} {m.text}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </section>
  );
}

function ScanOutcome({ scan }: { scan: ScanResult }) {
  const summary = scan.sent
    ? `Ops scan sent: ${scan.findings.length} finding(s).`
    : scan.reason === 'nothing_found'
      ? 'Ops scan: nothing needs a look.'
      : `Ops scan not sent (${scan.reason}).`;
  return (
    <div class="notice" role="status">
      <p>{summary}</p>
      {!!scan.findings.length && (
        <ul>
          {scan.findings.map((f) => (
            <li key={f.trigger}>
              <code>{f.trigger}</code> {f.text}
              {f.reason && <span class="muted"> ({f.reason})</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
