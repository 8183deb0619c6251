import { useState } from 'preact/hooks';

/** A flat settings object as one form: a text box per key, saved whole. */
export function RecordForm<T extends Record<string, string | number>>(props: {
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
            inputMode={props.numeric ? 'decimal' : undefined}
            onInput={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })}
          />
        </label>
      ))}
      <button type="submit">Save {props.title.toLowerCase()}</button>
    </form>
  );
}

/** One optional URL setting: empty means "not set" (null), so the default applies. */
export function UrlForm(props: {
  title: string;
  label: string;
  hint: string;
  value: string | null;
  onSave: (value: string | null) => void;
}) {
  const [draft, setDraft] = useState(props.value ?? '');
  return (
    <form
      class="panel form-grid"
      aria-label={props.title}
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave(draft.trim() || null);
      }}
    >
      <h3 class="wide">{props.title}</h3>
      <p class="wide muted">{props.hint}</p>
      <label class="wide">
        {props.label}{' '}
        <input
          type="url"
          value={draft}
          placeholder="empty: the default"
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
      </label>
      <button type="submit">Save {props.title.toLowerCase()}</button>
    </form>
  );
}
