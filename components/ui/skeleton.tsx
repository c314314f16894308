// Varied widths as classes: the Content-Security-Policy allows no inline style attributes.
const widths = ["w-1/2", "w-3/5", "w-2/3", "w-3/4", "w-4/5", "w-5/6"];

export function SkeletonRows({ rows = 8, columns = 5 }: { rows?: number; columns?: number }) {
  return (
    <>
      {Array.from({ length: rows }, (_, r) => (
        <tr key={r} aria-hidden>
          {Array.from({ length: columns }, (_, c) => (
            <td key={c} className="px-3 py-3">
              <div className={`h-3 animate-pulse rounded bg-slate-200 ${widths[(r * 7 + c * 13) % widths.length]}`} />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

/** A grey block standing in for content that is loading. */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden className={`animate-pulse rounded-md bg-slate-200 ${className ?? ""}`} />;
}
