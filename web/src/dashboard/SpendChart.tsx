/** Spend per day as bars (plain SVG: no chart library in the initial bundle). */
export function SpendChart({
  days,
}: {
  days: { day: string; costUsd: number; unknownCost?: number }[];
}) {
  if (!days.length) return <p class="muted">No spend recorded in the last 30 days.</p>;
  const max = Math.max(...days.map((d) => d.costUsd), 0.01);
  const width = 600;
  const height = 160;
  const bar = width / days.length;
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${width} ${height + 20}`}
      role="img"
      aria-label="Spend per day"
    >
      {days.map((d, i) => {
        const h = Math.max((d.costUsd / max) * height, 1);
        return (
          <g key={d.day}>
            <rect
              x={i * bar + 2}
              y={height - h}
              width={Math.max(bar - 4, 1)}
              height={h}
              fill="#2563eb"
            >
              <title>
                {d.day}: ${d.costUsd.toFixed(2)}
                {d.unknownCost ? ` + ${d.unknownCost} of unknown cost` : ''}
              </title>
            </rect>
            {days.length <= 10 && (
              <text
                x={i * bar + bar / 2}
                y={height + 14}
                text-anchor="middle"
                font-size="10"
                fill="#6b7280"
              >
                {d.day.slice(5)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
