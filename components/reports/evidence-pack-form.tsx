"use client";

import { useState } from "react";
import { buttonClasses } from "@/components/ui/button";

const input = "mt-1 block rounded-md border border-slate-300 px-2 py-1.5 text-sm";

/** The period's evidence as one ZIP: every report, the chain verification, the control mapping. */
export function EvidencePackForm({ defaultFrom, defaultTo }: { defaultFrom: string; defaultTo: string }) {
  const [from, setFrom] = useState(defaultFrom);
  const [to, setTo] = useState(defaultTo);
  const valid = Boolean(from && to && from <= to);
  return (
    <section aria-labelledby="pack-heading" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="pack-heading" className="text-base font-semibold">
        Evidence pack
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        One ZIP for a period: every report as CSV (the exception log also as PDF), access at the start and end, the
        audit-chain verification, and CONTROLS.md mapping each file to SOC 2 CC6.1–CC6.3, ISO 27001
        A.9.2.1/A.9.2.5/A.9.2.6 (2022: 5.16, 5.18) and SOX ITGC.
      </p>
      {/* POSTed, never a plain link another site could trigger; the browser downloads the answer. */}
      <form method="post" action="/api/reports/evidence-pack" className="mt-3 flex flex-wrap items-end gap-3">
        <label className="text-xs font-medium text-slate-600">
          Period from
          <input type="date" name="from" value={from} onChange={(e) => setFrom(e.target.value)} className={input} />
        </label>
        <label className="text-xs font-medium text-slate-600">
          to
          <input type="date" name="to" value={to} onChange={(e) => setTo(e.target.value)} className={input} />
        </label>
        {valid ? (
          <button type="submit" className={buttonClasses("primary")}>
            Download evidence pack
          </button>
        ) : (
          <span role="alert" className="text-sm text-red-700">
            The period must end on or after its start.
          </span>
        )}
      </form>
    </section>
  );
}
