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

const FIRST = [
  "Aarav",
  "Abigail",
  "Adebayo",
  "Aiko",
  "Alejandro",
  "Amelia",
  "Ana",
  "Andre",
  "Anika",
  "Ben",
  "Bianca",
  "Carlos",
  "Chloe",
  "Chen",
  "Daniel",
  "Deepa",
  "Diego",
  "Elif",
  "Emily",
  "Ethan",
  "Fatima",
  "Felix",
  "Gabriel",
  "Hana",
  "Hannah",
  "Ibrahim",
  "Isabel",
  "Ivan",
  "Jack",
  "Jamal",
  "Julia",
  "Kai",
  "Karen",
  "Kofi",
  "Laura",
  "Leo",
  "Lina",
  "Lucas",
  "Maya",
  "Mei",
  "Michael",
  "Mina",
  "Nadia",
  "Nathan",
  "Nia",
  "Noah",
  "Olga",
  "Olivia",
  "Pablo",
  "Pooja",
  "Quinn",
  "Rahul",
  "Rosa",
  "Ryan",
  "Sakura",
  "Samuel",
  "Sofia",
  "Sven",
  "Tariq",
  "Tessa",
  "Thomas",
  "Uma",
  "Valentina",
  "Wei",
  "William",
  "Xavier",
  "Yara",
  "Yusuf",
  "Zara",
  "Zoe",
];
const LAST = [
  "Adams",
  "Ahmed",
  "Alvarez",
  "Bauer",
  "Bennett",
  "Brooks",
  "Castillo",
  "Choi",
  "Cohen",
  "Diaz",
  "Dubois",
  "Evans",
  "Fischer",
  "Garcia",
  "Gupta",
  "Hansen",
  "Hernandez",
  "Hughes",
  "Ito",
  "Iyer",
  "Jensen",
  "Johnson",
  "Kaur",
  "Khan",
  "Kowalski",
  "Larsen",
  "Lee",
  "Lopez",
  "Martin",
  "Mensah",
  "Meyer",
  "Mitchell",
  "Murphy",
  "Nakamura",
  "Nguyen",
  "Novak",
  "Okeke",
  "Olsen",
  "Park",
  "Patel",
  "Perez",
  "Petrov",
  "Quinn",
  "Rossi",
  "Russo",
  "Sato",
  "Schmidt",
  "Singh",
  "Sokolov",
  "Suzuki",
  "Taylor",
  "Thompson",
  "Torres",
  "Wagner",
  "Walsh",
  "Wang",
  "Weber",
  "Williams",
  "Wong",
  "Yamamoto",
  "Young",
  "Zhang",
];

interface DepartmentPlan {
  name: string;
  head: { title: string; reportsTo: string };
  costCenter: number;
  teams: { name: string; size: number; manager: string; ladder: [level: string, title: string][] }[];
  trainings: string[];
}

const DEPARTMENTS: DepartmentPlan[] = [
  {
    name: "Engineering",
    head: { title: "VP Engineering", reportsTo: "cto@company.com" },
    costCenter: 2000,
    trainings: ["prod-access-2024", "data-handling", "prod-db-access"],
    teams: [
      {
        name: "Platform",
        size: 22,
        manager: "Engineering Manager",
        ladder: [
          ["L2", "Software Engineer"],
          ["L3", "Software Engineer"],
          ["L4", "Senior Software Engineer"],
          ["L5", "Staff Engineer"],
        ],
      },
      {
        name: "Core Engineering",
        size: 22,
        manager: "Engineering Manager",
        ladder: [
          ["L1", "Associate Software Engineer"],
          ["L2", "Software Engineer"],
          ["L4", "Senior Software Engineer"],
          ["L5", "Staff Engineer"],
          ["L6", "Principal Engineer"],
        ],
      },
      {
        name: "Payments",
        size: 16,
        manager: "Engineering Manager",
        ladder: [
          ["L2", "Software Engineer"],
          ["L3", "Software Engineer"],
          ["L4", "Senior Software Engineer"],
        ],
      },
      {
        name: "SRE",
        size: 12,
        manager: "SRE Manager",
        ladder: [
          ["L3", "Site Reliability Engineer"],
          ["L4", "Senior Site Reliability Engineer"],
          ["L5", "Staff Site Reliability Engineer"],
        ],
      },
      {
        name: "Data",
        size: 12,
        manager: "Data Engineering Manager",
        ladder: [
          ["L2", "Data Engineer"],
          ["L3", "Data Engineer"],
          ["L4", "Senior Data Engineer"],
          ["L3", "Database Administrator (DBA)"],
        ],
      },
      {
        name: "Security",
        size: 8,
        manager: "Security Engineering Manager",
        ladder: [
          ["L3", "Security Engineer"],
          ["L4", "Senior Security Engineer"],
        ],
      },
      {
        name: "Documentation",
        size: 5,
        manager: "Documentation Lead",
        ladder: [
          ["L2", "Technical Writer"],
          ["L4", "Senior Technical Writer"],
        ],
      },
      {
        name: "Mobile",
        size: 12,
        manager: "Engineering Manager",
        ladder: [
          ["L2", "Mobile Engineer"],
          ["L3", "Mobile Engineer"],
          ["L4", "Senior Mobile Engineer"],
        ],
      },
    ],
  },
  {
    name: "Sales",
    head: { title: "VP Sales", reportsTo: "ceo@company.com" },
    costCenter: 1000,
    trainings: ["sales-methodology"],
    teams: [
      {
        name: "Enterprise",
        size: 20,
        manager: "Sales Manager",
        ladder: [
          ["L3", "Account Executive"],
          ["L4", "Senior Account Executive"],
          ["L3", "Sales Engineer"],
          ["L4", "Senior Sales Engineer"],
        ],
      },
      {
        name: "Mid-Market",
        size: 20,
        manager: "Sales Manager",
        ladder: [
          ["L3", "Account Executive"],
          ["L3", "Sales Engineer"],
          ["L2", "Sales Development Representative"],
        ],
      },
      {
        name: "SMB",
        size: 18,
        manager: "Sales Manager",
        ladder: [
          ["L1", "Sales Development Representative"],
          ["L2", "Sales Development Representative"],
          ["L3", "Account Executive"],
        ],
      },
      {
        name: "Sales Operations",
        size: 8,
        manager: "Sales Operations Manager",
        ladder: [
          ["L2", "Sales Operations Analyst"],
          ["L4", "Senior Sales Operations Analyst"],
        ],
      },
    ],
  },
  {
    name: "Support",
    head: { title: "VP Customer Support", reportsTo: "ceo@company.com" },
    costCenter: 3000,
    trainings: ["pii-handling", "gdpr-basics", "ccpa-basics"],
    teams: [
      {
        name: "Tier 1",
        size: 18,
        manager: "Support Manager",
        ladder: [
          ["L1", "Support Specialist"],
          ["L2", "Support Specialist"],
        ],
      },
      {
        name: "Tier 2",
        size: 12,
        manager: "Support Manager",
        ladder: [
          ["L3", "Senior Support Specialist"],
          ["L4", "Support Engineer"],
        ],
      },
      {
        name: "Customer Success",
        size: 14,
        manager: "Customer Success Director",
        ladder: [
          ["L3", "Customer Success Manager"],
          ["L4", "Senior Customer Success Manager"],
        ],
      },
    ],
  },
  {
    name: "Finance",
    head: { title: "VP Finance", reportsTo: "cfo@company.com" },
    costCenter: 4000,
    trainings: ["financial-data-handling", "sox-controls"],
    teams: [
      {
        name: "Accounting",
        size: 10,
        manager: "Controller",
        ladder: [
          ["L2", "Accountant"],
          ["L3", "Senior Accountant"],
        ],
      },
      {
        name: "FP&A",
        size: 8,
        manager: "Director of FP&A",
        ladder: [
          ["L3", "Financial Analyst"],
          ["L4", "Senior Financial Analyst"],
        ],
      },
      { name: "Payroll", size: 5, manager: "Payroll Manager", ladder: [["L2", "Payroll Specialist"]] },
      { name: "Procurement", size: 5, manager: "Procurement Manager", ladder: [["L2", "Procurement Analyst"]] },
    ],
  },
  {
    name: "Legal",
    head: { title: "General Counsel", reportsTo: "ceo@company.com" },
    costCenter: 5000,
    trainings: ["pii-handling", "gdpr-basics"],
    teams: [
      {
        name: "Commercial",
        size: 6,
        manager: "Associate General Counsel",
        ladder: [
          ["L2", "Paralegal"],
          ["L4", "Legal Counsel"],
          ["L5", "Senior Counsel"],
        ],
      },
      {
        name: "Privacy",
        size: 4,
        manager: "Privacy Lead",
        ladder: [
          ["L4", "Privacy Counsel"],
          ["L3", "Privacy Analyst"],
        ],
      },
      {
        name: "Compliance",
        size: 5,
        manager: "Compliance Manager",
        ladder: [
          ["L3", "Compliance Analyst"],
          ["L4", "Senior Compliance Analyst"],
        ],
      },
    ],
  },
];

const LOCATIONS: [name: string, weight: number][] = [
  ["San Francisco", 30],
  ["New York", 22],
  ["Austin", 12],
  ["London", 14],
  ["Berlin", 8],
  ["Bangalore", 10],
  ["Toronto", 6],
];

/** Messy spellings, some with an alias in catalog.ts and some without (for lint to find). */
const MESSY: Record<string, Record<string, string[]>> = {
  department: { Engineering: ["Eng", "Engineering - Platform", "Product Eng"], Support: ["Customer Support"] },
  job_title: {
    "Senior Software Engineer": [
      "Sr. Software Engineer",
      "Sr Software Engineer",
      "Software Engineer III",
      "SWE Senior",
      "Senior SWE",
    ],
    "Senior Sales Engineer": ["Sr. Sales Engineer"],
  },
  location: {
    "San Francisco": ["SF", "Bay Area", "San Francisco, CA"],
    "New York": ["NYC", "New York City"],
    Bangalore: ["Bengaluru"],
  },
  employment_type: { FTE: ["Full-time"] },
};

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
