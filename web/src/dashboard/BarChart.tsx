/** One bar per day (plain SVG: no chart library in the initial bundle). */
export interface Bar {
  day: string;
  value: number;
  /** The bar's tooltip. */
  title: string;
}

export function BarChart({
  bars,
  label,
  color = '#2563eb',
  floor = 1,
}: {
  bars: Bar[];
  label: string;
  color?: string;
  /** The smallest top of the scale, so a quiet month does not look busy. */
  floor?: number;
}) {
  const max = Math.max(...bars.map((b) => b.value), floor);
  const width = 600;
  const height = 160;
  const bar = width / Math.max(bars.length, 1);
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height + 20}`} role="img" aria-label={label}>
      {bars.map((b, i) => {
        const h = Math.max((b.value / max) * height, 1);
        return (
          <g key={b.day}>
            <rect
              x={i * bar + 2}
              y={height - h}
              width={Math.max(bar - 4, 1)}
              height={h}
              fill={color}
              data-day={b.day}
              data-value={b.value}
            >
              <title>{b.title}</title>
            </rect>
            {bars.length <= 10 && (
              <text
                x={i * bar + bar / 2}
                y={height + 14}
                text-anchor="middle"
                font-size="10"
                fill="#6b7280"
              >
                {b.day.slice(5)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
