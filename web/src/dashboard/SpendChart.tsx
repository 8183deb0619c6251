import { BarChart } from './BarChart';

/** Spend per day as bars. */
export function SpendChart({
  days,
}: {
  days: { day: string; costUsd: number; unknownCost?: number }[];
}) {
  if (!days.length) return <p class="muted">No spend recorded in the last 30 days.</p>;
  return (
    <BarChart
      label="Spend per day"
      floor={0.01}
      bars={days.map((d) => ({
        day: d.day,
        value: d.costUsd,
        title: `${d.day}: $${d.costUsd.toFixed(2)}${d.unknownCost ? ` + ${d.unknownCost} of unknown cost` : ''}`,
      }))}
    />
  );
}
