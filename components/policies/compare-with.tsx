"use client";

import { useRouter } from "next/navigation";

export function CompareWith({
  versionId,
  against,
  options,
}: {
  versionId: number;
  against: number | null;
  options: { id: number; message: string }[];
}) {
  const router = useRouter();
  return (
    <label className="flex items-center gap-2 text-sm text-slate-600">
      Compare with
      <select
        value={against ?? ""}
        onChange={(e) =>
          router.push(`/policies/versions/${versionId}${e.target.value ? `?against=${e.target.value}` : ""}`)
        }
        className="rounded-md border border-slate-300 px-2 py-1.5 text-sm"
      >
        <option value="">the version it was based on</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            #{o.id}: {o.message.slice(0, 60)}
          </option>
        ))}
      </select>
    </label>
  );
}
