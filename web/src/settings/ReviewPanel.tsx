import { useState } from 'preact/hooks';
import type { SettingsValue } from './types';

type Review = SettingsValue['review'];

/**
 * The reviewer agent's first pass: who decides after it, how many rounds it may send back by
 * itself, and whether its approval merges when the scope is clean. Saved whole (audited).
 */
export function ReviewPanel(props: { value: Review; onSave: (review: Review) => void }) {
  const [draft, setDraft] = useState<Review>(props.value);
  return (
    <form
      class="panel form-grid"
      aria-label="Review"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave(draft);
      }}
    >
      <h3 class="wide">Review</h3>
      <p class="muted wide">
        When a task reaches review, a reviewer agent (never the task's own agent) reads the patch
        first. Then a person decides, unless the settings below let the reviewer act.
      </p>
      <label>
        After the reviewer agent{' '}
        <select
          name="policy"
          value={draft.policy}
          onChange={(e) =>
            setDraft({ ...draft, policy: e.currentTarget.value as Review['policy'] })
          }
        >
          <option value="human_decides">a person decides</option>
          <option value="reviewer_sends_back">its "request changes" sends the task back</option>
        </select>
      </label>
      <label>
        Rounds it may send back{' '}
        <input
          name="roundsCap"
          type="number"
          min={0}
          max={20}
          value={draft.roundsCap}
          onInput={(e) => setDraft({ ...draft, roundsCap: Number(e.currentTarget.value) })}
        />
      </label>
      <label class="check wide">
        <input
          type="checkbox"
          name="mergeWhenReviewerApproves"
          checked={draft.mergeWhenReviewerApproves}
          onChange={() =>
            setDraft({ ...draft, mergeWhenReviewerApproves: !draft.mergeWhenReviewerApproves })
          }
        />{' '}
        Merge with no person when the reviewer agent approves and every path is in scope
      </label>
      <button type="submit">Save review</button>
    </form>
  );
}
