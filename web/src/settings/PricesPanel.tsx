import { useEffect, useState } from 'preact/hooks';
import { PROVIDERS } from '../agents/types';
import { describeFailure, hq, ok } from '../api/client';
import type { Schema, Sent } from '../api/schema';
import { hasRole, me } from '../auth/session';

type Price = Schema<'Price'>;
type Provider = Sent<'/api/prices', 'put'>['provider'];

const EMPTY = { provider: 'openai', model: '', input: '', output: '' };

/**
 * The price table: what a million tokens cost per provider and model. A run whose CLI reports
 * tokens and no money is priced with it when it reports; without a row its cost is unknown.
 */
export function PricesPanel() {
  const [prices, setPrices] = useState<Price[]>([]);
  const [draft, setDraft] = useState(EMPTY);
  const [error, setError] = useState<string | null>(null);
  const admin = hasRole(me.value, 'admin');

  const load = () => ok(hq.GET('/api/prices')).then((r) => setPrices(r.prices));
  useEffect(() => {
    load().catch((e) => setError(describeFailure(e)));
  }, []);

  async function run(action: () => Promise<unknown>) {
    try {
      await action();
      setError(null);
      await load();
      return true;
    } catch (e) {
      setError(describeFailure(e));
      return false;
    }
  }
  const set = (key: keyof typeof EMPTY) => (e: Event) =>
    setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value });

  return (
    <section class="panel" aria-label="Price table">
      <h3>Price table</h3>
      <p class="muted">
        USD per million tokens. Runs whose CLI reports tokens but no money are priced with the row
        of their agent's provider and model when they finish; the estimate is kept as it was. A run
        with no row is shown as "cost unknown", never as $0.
      </p>
      {error && <p class="error">{error}</p>}
      <table class="table">
        <thead>
          <tr>
            <th>Provider</th>
            <th>Model</th>
            <th>Input / M</th>
            <th>Output / M</th>
            <th>Set by</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {prices.map((p) => (
            <tr key={`${p.provider}/${p.model}`} data-testid={`price-${p.provider}/${p.model}`}>
              <td>{p.provider}</td>
              <td class="mono">{p.model}</td>
              <td>${p.inputPerMillionUsd}</td>
              <td>${p.outputPerMillionUsd}</td>
              <td class="muted">{p.updatedBy}</td>
              <td>
                {admin && (
                  <button
                    type="button"
                    class="secondary"
                    onClick={() =>
                      run(() =>
                        ok(
                          hq.DELETE('/api/prices', {
                            // A stored row's provider is a plain string in the document; it was one of these.
                            params: {
                              query: { provider: p.provider as Provider, model: p.model },
                            },
                          }),
                        ),
                      )
                    }
                  >
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!prices.length && <p class="muted">No prices yet.</p>}
      {admin && (
        <form
          class="inline"
          aria-label="Set a price"
          onSubmit={async (e) => {
            e.preventDefault();
            const body = {
              provider: draft.provider,
              model: draft.model,
              // An empty box is sent as is, so the server names the missing field.
              inputPerMillionUsd: draft.input.trim() === '' ? undefined : Number(draft.input),
              outputPerMillionUsd: draft.output.trim() === '' ? undefined : Number(draft.output),
            };
            if (
              await run(() =>
                ok(hq.PUT('/api/prices', { body: body as Sent<'/api/prices', 'put'> })),
              )
            )
              setDraft(EMPTY);
          }}
        >
          <select aria-label="Price provider" value={draft.provider} onChange={set('provider')}>
            {PROVIDERS.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
          <input
            aria-label="Price model"
            placeholder="model"
            value={draft.model}
            onInput={set('model')}
          />
          <input
            aria-label="Input USD per million"
            placeholder="input $/M"
            inputMode="decimal"
            value={draft.input}
            onInput={set('input')}
          />
          <input
            aria-label="Output USD per million"
            placeholder="output $/M"
            inputMode="decimal"
            value={draft.output}
            onInput={set('output')}
          />
          <button type="submit">Set price</button>
        </form>
      )}
    </section>
  );
}
