import { ipRangeProblem, storedRestrictions, type Restrictions } from "../exceptions/restrictions";
import { exceptionTypeLabels } from "../exceptions/types";
import { formatDuration, type TemplateDefinition, type TemplateRestrictions } from "./template";

/** A problem with a template or a request, by field (relative to the definition or the request input). */
export interface Problem {
  field: string;
  message: string;
}

/**
 * Checks a template against its exception type when it is saved (or put back in the catalog),
 * so a requester is never offered a duration that fails at approval: each duration and the
 * template's maximum within the type's maximum as IT set it, and a vendor template's restrictions.
 */
export function templateTypeProblems(def: TemplateDefinition, typeMaxMinutes: number): Problem[] {
  const problems: Problem[] = [];
  const kind = exceptionTypeLabels[def.exceptionType].toLowerCase();
  const limit = `${kind} exceptions last at most ${formatDuration(typeMaxMinutes)} (Exceptions › Types)`;
  def.durations.forEach((m, i) => {
    if (m > typeMaxMinutes)
      problems.push({ field: `durations.${i}`, message: `${formatDuration(m)} is longer than ${limit}` });
  });
  if (def.maxDurationMinutes > typeMaxMinutes) {
    problems.push({
      field: "maxDurationMinutes",
      message: `the maximum of ${formatDuration(def.maxDurationMinutes)} is longer than ${limit}`,
    });
  }
  problems.push(...restrictionProblems(def));
  return problems;
}

/**
 * Seed 000, pattern 5: an outside person's access is restricted. A vendor template must require
 * a second factor or an IP allow list (at least one: who may connect, or from where), and end
 * sessions after a set time. Other types carry no restrictions, so none is silently ignored.
 */
function restrictionProblems(def: TemplateDefinition): Problem[] {
  const r = def.restrictions;
  if (def.exceptionType !== "vendor") {
    return r
      ? [
          {
            field: "restrictions",
            message: `only vendor templates carry restrictions; this one makes ${exceptionTypeLabels[def.exceptionType].toLowerCase()} exceptions`,
          },
        ]
      : [];
  }
  if (!r)
    return [
      {
        field: "restrictions",
        message: "vendor access carries restrictions: MFA or an IP allow list, and a session duration",
      },
    ];
  const problems: Problem[] = [];
  if (!r.mfaRequired && r.ipAllowList.length === 0 && !r.requesterSuppliesIpAllowList) {
    problems.push({ field: "restrictions.mfaRequired", message: "vendor access needs MFA, an IP allow list, or both" });
  }
  if (r.sessionMinutes === null)
    problems.push({ field: "restrictions.sessionMinutes", message: "say how long a vendor session may last" });
  return problems;
}

/** The restrictions a template fixes by itself (without ranges a requester would name). */
export function fixedRestrictions(r: TemplateRestrictions | undefined): Restrictions {
  if (!r) return {};
  return compact({
    ipAllowList: r.ipAllowList.length ? r.ipAllowList : undefined,
    mfaRequired: r.mfaRequired || undefined,
    sessionMinutes: r.sessionMinutes ?? undefined,
    maxSessions: r.maxSessions ?? undefined,
  });
}

/**
 * The restrictions a request asks for: the template's, with the IP ranges the requester names
 * when the template leaves that to them. Ranges where the template takes none are refused, not
 * dropped, so what the requester sees is what the approver sees and the exception carries.
 */
export function restrictionsForRequest(
  def: TemplateDefinition,
  supplied: readonly string[] | undefined,
): { ok: true; restrictions: Restrictions | null } | { ok: false; problems: Problem[] } {
  const r = def.restrictions;
  const ranges = (supplied ?? []).map((s) => s.trim()).filter(Boolean);
  if (!r?.requesterSuppliesIpAllowList) {
    if (ranges.length)
      return {
        ok: false,
        problems: [
          {
            field: "ipAllowList",
            message: r ? "this form sets the IP allow list itself" : "this access takes no IP allow list",
          },
        ],
      };
    return { ok: true, restrictions: r ? fixedRestrictions(r) : null };
  }
  if (ranges.length === 0)
    return {
      ok: false,
      problems: [{ field: "ipAllowList", message: "name the IP addresses or ranges the access will be used from" }],
    };
  if (ranges.length > 50)
    return { ok: false, problems: [{ field: "ipAllowList", message: "at most 50 addresses or ranges" }] };
  const problems = ranges.flatMap((entry, i) => {
    const problem = ipRangeProblem(entry);
    return problem ? [{ field: `ipAllowList.${i}`, message: problem }] : [];
  });
  if (problems.length) return { ok: false, problems };
  return { ok: true, restrictions: { ...fixedRestrictions(r), ipAllowList: [...new Set(ranges)] } };
}

function compact(r: Restrictions): Restrictions {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Restrictions;
}

/**
 * What an approved request's exceptions carry: the restrictions stored on the request (what the
 * approvers saw), or, for a request made before requests stored them, the template's own.
 */
export function restrictionsOnApproval(request: { restrictions: unknown }, def: TemplateDefinition): Restrictions {
  return request.restrictions ? storedRestrictions(request.restrictions) : fixedRestrictions(def.restrictions);
}
