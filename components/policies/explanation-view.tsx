import Link from "next/link";
import { formatDay } from "@/components/requests/format";
import { Badge } from "@/components/ui/badge";
import type { HeldAccessAnswer } from "@/server/core/policy/explain-temporary";
import { useTimeZone } from "@/components/time/time-zone";

interface Failed {
  requirement: string;
  attribute: string | null;
  actual: string | number | string[] | null;
  file: string;
  line: number;
  alternatives?: Failed[];
}
/** Temporary access the person holds on the resource (core's answer; dates may arrive as text). */
type Temporary = Omit<HeldAccessAnswer, "expiresAt"> & { expiresAt: Date | string };
export interface ExplanationData {
  resource: string;
  has: boolean;
  temporary: Temporary[];
  active: boolean;
  employmentStatus: string | null;
  granted: { level: string | null; via: string[] } | null;
  sources: { via: string[]; level: string | null; matched: boolean; failed: Failed | null }[];
  deniedBy: string[];
  fallback?: {
    action: string;
    name: string | null;
    message: string | null;
    considered: { name: string; outcome: string; why: string }[];
  } | null;
}

const chain = (via: string[]) => via.join(" → ");
const actualText = (a: Failed["actual"]) =>
  a === null ? "nothing recorded" : Array.isArray(a) ? (a.length ? a.join(", ") : "none") : String(a);

function FailedLine({ f }: { f: Failed }) {
  return (
    <li>
      needs <b>{f.requirement}</b>
      {f.attribute && <> — has {actualText(f.actual)}</>}{" "}
      <Link
        href={`/policies/edit?file=${encodeURIComponent(f.file)}`}
        className="font-mono text-xs text-slate-500 hover:underline"
      >
        {f.file}:{f.line}
      </Link>
      {f.alternatives && (
        <ul className="ml-5 list-disc text-slate-600">
          {f.alternatives.map((a, i) => (
            <FailedLine key={i} f={a} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** "exception EXC-1 (project), approved by David Okafor" or "fallback access EXC-7, given by the allow fallback x". */
function TemporaryText({ t }: { t: Temporary }) {
  const tz = useTimeZone();
  return (
    <>
      {t.source === "fallback" ? "fallback access " : "exception "}
      <Link href={`/exceptions/${t.exceptionId}`} className="font-semibold text-brand-700 hover:underline">
        EXC-{t.number}
      </Link>
      {t.source === "fallback" ? (
        <>
          , given by the allow fallback <b>{t.fallbackName}</b>
        </>
      ) : (
        <>
          {" "}
          ({t.type.replace(/_/g, " ")}), approved by <b>{t.approvedBy ?? "an approval rule"}</b>
        </>
      )}
      {t.level && (
        <>
          {" "}
          at level <b>{t.level}</b>
        </>
      )}
      , until {formatDay(t.expiresAt, tz)}
    </>
  );
}

/**
 * Why a person has a resource (the chain of policies, or the exception or fallback grant that
 * gives it, as expected access counts them), or why not (each policy's first failing condition).
 */
export function ExplanationView({ e, person }: { e: ExplanationData; person: string }) {
  const counting = e.temporary.filter((t) => t.counts);
  const blocked = e.temporary.filter((t) => !t.counts);
  return (
    <div className="space-y-4 text-sm" data-testid="explanation">
      {e.granted ? (
        <p className="text-base">
          <Badge tone="green">has it</Badge> {person} gets <b>{e.resource}</b>
          {e.granted.level && (
            <>
              {" "}
              at level <b>{e.granted.level}</b>
            </>
          )}{" "}
          through <b>{chain(e.granted.via)}</b>.
        </p>
      ) : counting.length > 0 ? (
        <p className="text-base">
          <Badge tone="green">has it</Badge> {person} has <b>{e.resource}</b> through <TemporaryText t={counting[0]!} />
          . No policy gives it.
        </p>
      ) : (
        <p className="text-base">
          <Badge tone="red">does not have it</Badge> {person} does not get <b>{e.resource}</b> from policy
          {e.temporary.length === 0 ? ", nor from an exception or fallback access" : ""}.
        </p>
      )}
      {(e.granted ? counting : counting.slice(1)).map((t) => (
        <p key={t.exceptionId}>
          Also held through <TemporaryText t={t} />.
        </p>
      ))}
      {blocked.map((t) => (
        <p key={t.exceptionId} className="text-red-800">
          <TemporaryText t={t} /> does not count: {t.blockedBy}.
        </p>
      ))}
      {!e.active && (
        <p>
          Only Active people get access; the employment status is <b>{e.employmentStatus ?? "missing"}</b>.
        </p>
      )}
      {e.deniedBy.length > 0 && (
        <p>
          Taken away by the deny polic{e.deniedBy.length === 1 ? "y" : "ies"} <b>{e.deniedBy.join(", ")}</b>: a deny
          beats every allow.
        </p>
      )}
      {e.fallback && (
        <div className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2" data-testid="fallback-decision">
          <p>
            {e.fallback.name ? (
              <>
                Fallback <b>{e.fallback.name}</b> decides: <b>{e.fallback.action}</b>
              </>
            ) : (
              <>
                No fallback applies: <b>denied by default</b>
              </>
            )}
            {e.fallback.message && <>. {e.fallback.message}</>}
          </p>
          {e.fallback.considered.length > 0 && (
            <ul className="mt-1 ml-5 list-disc text-slate-600">
              {e.fallback.considered.map((c) => (
                <li key={c.name}>
                  {c.name}: {c.outcome} — {c.why}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {e.sources.length === 0 ? (
        <p>No policy grants this resource: only a request and an exception can give it.</p>
      ) : (
        <div>
          <h3 className="mb-1 font-semibold">Policies that grant it</h3>
          <ul className="space-y-2">
            {e.sources.map((s) => (
              <li key={chain(s.via)} className="rounded-md border border-slate-200 px-3 py-2">
                <div className="flex flex-wrap items-center gap-2">
                  <Badge tone={s.matched ? "green" : "neutral"}>{s.matched ? "matches" : "does not match"}</Badge>
                  <span className="font-medium">{chain(s.via)}</span>
                  {s.level && <span className="text-slate-500">level {s.level}</span>}
                </div>
                {s.failed && (
                  <ul className="mt-1 ml-1">
                    <FailedLine f={s.failed} />
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
