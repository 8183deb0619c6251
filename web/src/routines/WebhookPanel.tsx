import { signal } from '@preact/signals';
import { useState } from 'preact/hooks';
import { describeFailure, hq, ok } from '../api/client';
import type { Answered } from '../api/schema';
import type { Routine } from './types';

export type FreshSecret = Answered<'/api/routines/{id}/webhook', 'post'>;

/** A URL as the caller must use it: the server may answer a path or a full URL. */
const absolute = (url: string) => new URL(url, location.origin).toString();

/** The secret, shown this once, with a copy button and how a sender signs a delivery. */
export function SecretOnce({ secret }: { secret: FreshSecret }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = () =>
    navigator.clipboard.writeText(secret.webhookSecret).then(
      () => setCopied('Copied.'),
      () => setCopied('Copying failed: select the secret and copy it by hand.'),
    );
  const url = absolute(secret.webhookUrl);
  return (
    <div class="notice" role="status" data-testid="webhook-secret-once">
      <p>
        Webhook secret, shown this once (HQ keeps it sealed and never shows it again): store it in
        the sender now. <code data-testid="webhook-secret">{secret.webhookSecret}</code>{' '}
        <button type="button" class="secondary" onClick={() => void copy()}>
          Copy secret
        </button>{' '}
        {copied && <span class="muted">{copied}</span>}
      </p>
      <p class="muted">
        Each POST to the URL must carry X-Hub-Signature-256: sha256=HMAC-SHA256(secret, raw body),
        as GitHub sends it, and a delivery id (X-GitHub-Delivery or X-Delivery-Id): a delivery sent
        again fires once.
      </p>
      <pre class="routine-example">{`body='{}'
sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "${secret.webhookSecret}" | cut -d' ' -f2)
curl -X POST ${url} -H "X-Hub-Signature-256: sha256=$sig" -H "X-Delivery-Id: $(uuidgen)" -d "$body"`}</pre>
    </div>
  );
}

/** The routine's webhook: its URL; operators add, rotate (new secret) or remove it. */
export function WebhookPanel({
  routine,
  fresh,
  operator,
  onChanged,
}: {
  routine: Routine;
  fresh: FreshSecret | null;
  operator: boolean;
  onChanged: (fresh: FreshSecret | null) => void;
}) {
  const [error, setError] = useState<string | null>(null);
  // Rotating or removing breaks the sender until it is told: each asks once more first.
  const [confirming, setConfirming] = useState<'POST' | 'DELETE' | null>(null);
  const call = (method: 'POST' | 'DELETE') => {
    setConfirming(null);
    const params = { path: { id: routine.id } };
    return (
      method === 'POST'
        ? ok(hq.POST('/api/routines/{id}/webhook', { params }))
        : ok(hq.DELETE('/api/routines/{id}/webhook', { params })).then(() => null)
    ).then(
      (answer) => onChanged(answer ?? null),
      (e) => setError(describeFailure(e)),
    );
  };
  return (
    <section class="panel" data-testid="routine-webhook">
      <h3>Webhook</h3>
      {routine.webhook ? (
        <p>
          <code data-testid="webhook-url">{absolute(routine.webhook.url)}</code>
        </p>
      ) : (
        <p class="muted">No webhook: this routine fires on its schedule or from the API only.</p>
      )}
      {fresh && <SecretOnce secret={fresh} />}
      {error && <p class="error">{error}</p>}
      {operator && (
        <div class="inline">
          <button
            type="button"
            class="secondary"
            onClick={() => (routine.webhook ? setConfirming('POST') : void call('POST'))}
          >
            {routine.webhook ? 'Rotate secret' : 'Add a webhook'}
          </button>
          {routine.webhook && (
            <button type="button" class="secondary" onClick={() => setConfirming('DELETE')}>
              Remove webhook
            </button>
          )}
        </div>
      )}
      {confirming && (
        <div class="confirm" role="dialog" aria-label="Confirm webhook change">
          <p>
            {confirming === 'POST'
              ? 'A new secret replaces the current one at once: deliveries signed with the old one are refused until the sender has the new one.'
              : 'The URL stops working at once: deliveries to it are refused.'}
          </p>
          <button type="button" class="danger" onClick={() => void call(confirming)}>
            {confirming === 'POST' ? 'Rotate the secret' : 'Remove the webhook'}
          </button>{' '}
          <button type="button" class="secondary" onClick={() => setConfirming(null)}>
            Cancel
          </button>
        </div>
      )}
    </section>
  );
}

/** A secret just created with a new routine, handed to its page (which shows it once). */
export const createdSecret = signal<(FreshSecret & { routineId: string }) | null>(null);
