// How every view shows money: what is known, what was estimated from the price table, and
// what nobody knows, said as "cost unknown" rather than folded into a $0.

export const usd = (n: number) => `$${n.toFixed(2)}`;
export const tokens = (n: number) => `${n.toLocaleString('en-US')} tokens`;
const runs = (n: number) => `${n} run${n === 1 ? '' : 's'}`;

/** "cost unknown: 2 runs, 5,700 tokens": the runs a sum of money leaves out. */
export function unknownText(count: number, unknownTokens?: number): string {
  return `cost unknown: ${runs(count)}${unknownTokens ? `, ${tokens(unknownTokens)}` : ''}`;
}

/** Known money, then what it leaves out; an all-unknown sum reads "cost unknown", not $0.00. */
export function Cost(props: {
  usd: number;
  unknown: number;
  unknownTokens?: number;
  estimated?: number;
  testId?: string;
}) {
  const allUnknown = props.unknown > 0 && props.usd === 0 && !props.estimated;
  return (
    <span data-testid={props.testId}>
      {allUnknown ? null : usd(props.usd)}
      {props.estimated ? (
        <span class="muted" title="Tokens priced with the price table in Settings">
          {' '}
          ({runs(props.estimated)} estimated from the price table)
        </span>
      ) : null}
      {props.unknown > 0 && (
        <span
          class="flag"
          title="The CLI reported no money and the price table has no price for its model"
        >
          {allUnknown ? '' : ' + '}
          {unknownText(props.unknown, props.unknownTokens)}
        </span>
      )}
    </span>
  );
}
