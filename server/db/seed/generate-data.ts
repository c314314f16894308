/**
 * What the generated organization is drawn from (generate.ts; names are in generate-names.ts):
 * departments with their teams and ladders, locations by weight, seed 002's messy HR spellings.
 */

export interface DepartmentPlan {
  name: string;
  head: { title: string; reportsTo: string };
  costCenter: number;
  teams: { name: string; size: number; manager: string; ladder: [level: string, title: string][] }[];
  trainings: string[];
}

export const DEPARTMENTS: DepartmentPlan[] = [
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

export const LOCATIONS: [name: string, weight: number][] = [
  ["San Francisco", 30],
  ["New York", 22],
  ["Austin", 12],
  ["London", 14],
  ["Berlin", 8],
  ["Bangalore", 10],
  ["Toronto", 6],
];

/** Messy spellings, some with an alias in catalog.ts and some without (for lint to find). */
export const MESSY: Record<string, Record<string, string[]>> = {
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
