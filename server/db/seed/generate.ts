import { DEPARTMENTS, LOCATIONS, MESSY } from "./generate-data";
import { FIRST, LAST } from "./generate-names";
import type { SeedPerson } from "./people";

/**
 * A few hundred plausible people across Sales, Engineering, Finance, Support and Legal,
 * generated from a fixed seed so every database gets the same organization. About one in
 * twelve carries the messy HR spellings seed 002 describes ("Eng", "Sr. Software Engineer",
 * "SF"); some of those have an alias, some deliberately do not.
 */

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Dates are relative to a fixed day so that the organization is the same whenever it is generated.
const REFERENCE_DAY = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function generatePeople(reservedHandles: Iterable<string> = [], seed = 20241124): SeedPerson[] {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const weighted = (xs: [string, number][]) => {
    let r = rand() * xs.reduce((s, [, w]) => s + w, 0);
    for (const [v, w] of xs) if ((r -= w) < 0) return v;
    return xs[0]![0];
  };
  const messy = (attribute: string, value: string) => {
    const variants = MESSY[attribute]?.[value];
    return variants && rand() < 0.09 ? pick(variants) : value;
  };

  const used = new Set<string>(reservedHandles);
  const people: SeedPerson[] = [];
  const person = (
    p: Omit<SeedPerson, "externalId" | "email" | "displayName">,
    first = pick(FIRST),
    last = pick(LAST),
  ) => {
    let handle = `${first}.${last}`.toLowerCase();
    for (let n = 2; used.has(handle); n++) handle = `${first}.${last}${n}`.toLowerCase();
    used.add(handle);
    const created: SeedPerson = {
      ...p,
      externalId: handle,
      email: `${handle}@company.com`,
      displayName: `${first} ${last}`,
    };
    people.push(created);
    return created;
  };
  const hireDate = (minYearsAgo: number, maxYearsAgo: number) =>
    isoDay(REFERENCE_DAY - Math.floor((minYearsAgo + rand() * (maxYearsAgo - minYearsAgo)) * 365 * DAY));

  for (const dept of DEPARTMENTS) {
    const location = weighted(LOCATIONS);
    const head = person({
      department: dept.name,
      jobTitle: dept.head.title,
      team: "Leadership",
      location,
      employmentType: "FTE",
      employmentStatus: "Active",
      jobLevel: "L8",
      hireDate: hireDate(3, 9),
      manager: dept.head.reportsTo,
      costCenter: `CC-${dept.costCenter}`,
      trainings: ["security-101", ...dept.trainings.slice(0, 1)],
      roles: ["approver"],
    });
    dept.teams.forEach((team, teamIndex) => {
      const costCenter = `CC-${dept.costCenter + (teamIndex + 1) * 10}`;
      const teamLocation = weighted(LOCATIONS);
      const lead = person({
        department: dept.name,
        jobTitle: team.manager,
        team: team.name,
        location: teamLocation,
        employmentType: "FTE",
        employmentStatus: "Active",
        jobLevel: pick(["L5", "L6"]),
        hireDate: hireDate(2, 8),
        manager: head.email,
        costCenter,
        trainings: ["security-101", ...dept.trainings],
        roles: ["approver"],
      });
      for (let i = 0; i < team.size; i++) {
        const [level, title] = pick(team.ladder);
        const roll = rand();
        const employmentType = roll < 0.06 ? "Contractor" : roll < 0.08 ? "Intern" : roll < 0.1 ? "Part-time" : "FTE";
        const statusRoll = rand();
        const employmentStatus = statusRoll < 0.03 ? "Terminated" : statusRoll < 0.05 ? "Leave" : "Active";
        const trainings = ["security-101", ...dept.trainings.filter(() => rand() < 0.6)];
        const hired = hireDate(employmentType === "Intern" ? 0.05 : 0.1, 8);
        const p = person({
          department: messy("department", dept.name),
          jobTitle: messy("job_title", title),
          team: team.name,
          location: messy("location", rand() < 0.7 ? teamLocation : weighted(LOCATIONS)),
          employmentType: messy("employment_type", employmentType),
          employmentStatus,
          jobLevel: employmentType === "Intern" ? "L1" : level,
          hireDate: hired,
          manager: lead.email,
          costCenter,
          trainings: rand() < 0.08 ? [] : trainings,
        });
        addHistory(p, rand, hired);
      }
    });
  }
  return people;
}

/** About one in eight people had an earlier title, level, team or location. */
function addHistory(p: SeedPerson, rand: () => number, hired: string) {
  const since = Date.parse(hired);
  const span = REFERENCE_DAY - since;
  if (span < 120 * DAY || rand() > 0.13) return;
  const effectiveAt = isoDay(since + Math.floor(span * (0.3 + rand() * 0.6)));
  const kind = Math.floor(rand() * 3);
  if (kind === 0 && p.jobLevel && /^L[2-9]$/.test(p.jobLevel)) {
    const earlier = `L${Number(p.jobLevel.slice(1)) - 1}`;
    p.history = [{ effectiveAt, reason: "Promotion", from: { job_level: earlier } }];
  } else if (kind === 1) {
    p.history = [
      { effectiveAt, reason: "Relocation", from: { location: p.location === "London" ? "Berlin" : "London" } },
    ];
  } else {
    p.history = [
      { effectiveAt, reason: "Team change", from: { team: p.team === "Platform" ? "Core Engineering" : "Platform" } },
    ];
  }
}
