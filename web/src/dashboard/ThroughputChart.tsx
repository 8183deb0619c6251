import { BarChart } from './BarChart';

/** Tasks done per day: every day of the window is a bar, zeros included. */
export function ThroughputChart({ days }: { days: { day: string; done: number }[] }) {
  const total = days.reduce((sum, d) => sum + d.done, 0);
  return (
    <>
      <p class="muted" data-testid="throughput-total">
        {total} {total === 1 ? 'task' : 'tasks'} done in {days.length} days
      </p>
      <BarChart
        label="Tasks done per day"
        color="#059669"
        bars={days.map((d) => ({
          day: d.day,
          value: d.done,
          title: `${d.day}: ${d.done} done`,
        }))}
      />
    </>
  );
}
