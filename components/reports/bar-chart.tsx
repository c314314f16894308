/** A small bar chart in SVG: one series or two side by side, labelled, readable without colour. */
export function BarChart({
  title,
  labels,
  series,
}: {
  title: string;
  labels: string[];
  series: { name: string; values: number[]; className: string }[];
}) {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  // A fixed drawing width, so labels keep their size whatever the number of bars.
  const groupW = 480 / labels.length;
  const barW = Math.min(40, (groupW - 16) / series.length);
  const h = 120;
  return (
    <figure>
      <svg
        role="img"
        aria-label={`${title}: ${labels.map((l, i) => `${l} ${series.map((s) => `${s.name} ${s.values[i]}`).join(", ")}`).join("; ")}`}
        viewBox={`-24 0 528 ${h + 34}`}
        className="w-full max-w-xl"
      >
        {labels.map((label, i) => (
          <g key={label} transform={`translate(${i * groupW + 8},0)`}>
            {series.map((s, k) => {
              const v = s.values[i] ?? 0;
              const bh = (v / max) * h;
              return (
                <g key={s.name}>
                  <rect x={k * barW} y={h - bh + 12} width={barW - 2} height={bh} className={s.className} />
                  <text
                    x={k * barW + (barW - 2) / 2}
                    y={h - bh + 9}
                    textAnchor="middle"
                    className="fill-slate-600 text-[9px]"
                  >
                    {v}
                  </text>
                </g>
              );
            })}
            <text x={(barW * series.length) / 2} y={h + 28} textAnchor="middle" className="fill-slate-500 text-[9px]">
              {label}
            </text>
          </g>
        ))}
      </svg>
      {series.length > 1 && (
        <figcaption className="mt-1 flex gap-4 text-xs text-slate-600">
          {series.map((s) => (
            <span key={s.name} className="flex items-center gap-1">
              <svg width="10" height="10" aria-hidden>
                <rect width="10" height="10" className={s.className} />
              </svg>
              {s.name}
            </span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}
