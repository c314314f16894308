import { describe, expect, it } from "vitest";
import { CsvSyntaxError, parseCsv } from "../csv";
import type { AttributeValue, HrAttribute } from "./attributes";
import { planImport, type ExistingPerson } from "./import-plan";
import { readImportTable } from "./import-table";

const read = (text: string) => readImportTable(parseCsv(text));

describe("reading an identity import file", () => {
  it("reads quoted cells, a byte-order mark, blank rows and spreadsheet-style headers, numbering rows as a spreadsheet does", () => {
    const table = read(
      "\uFEFFExternal ID,Job Title,trainings,,\r\n" +
        "\r\n" +
        '"sarah.chen","Engineer, ""Senior""","security-101; gdpr-basics|security-101",,\r\n' +
        ",,,,\r\n" +
        '"jane.smith","Line one\nline two",,,\r\n',
    );
    expect(table.problems).toEqual([]);
    expect(table.keyColumn).toBe("external_id");
    expect(table.records.map((r) => [r.row, r.key, r.values])).toEqual([
      [3, "sarah.chen", { job_title: 'Engineer, "Senior"', trainings: ["security-101", "gdpr-basics"] }],
      [5, "jane.smith", { job_title: "Line one\nline two", trainings: [] }],
    ]);
  });

  it("reports a row with more or fewer cells than the header, and content in an unnamed column", () => {
    const table = read("external_id,team,\nsarah.chen,Platform\njane.smith,Platform,x\nbob,Core,,extra\n");
    expect(table.problems.map((p) => [p.row, p.column])).toEqual([
      [2, null],
      [3, "column 3"],
      [4, null],
    ]);
  });

  it("needs a key column and refuses a column named twice", () => {
    expect(read("team,team\nPlatform,Core\n").problems.map((p) => p.message)).toEqual([
      "The column team appears twice in the header",
      "The header needs an external_id column (or email, to match people by their email)",
    ]);
    expect(read("").problems[0]!.message).toMatch(/empty/);
  });

  it("names the line of a quoted cell that is never closed", () => {
    expect(() => parseCsv('external_id,team\nsarah.chen,"Platform\n')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('external_id,team\nsarah.chen,"Platform\n')).toThrow(expect.objectContaining({ line: 2 }));
  });
});

describe("planning an import", () => {
  const person = (externalId: string, attributes: Partial<Record<HrAttribute, AttributeValue>>): ExistingPerson => ({
    id: `id-${externalId}`,
    externalId,
    email: `${externalId}@company.com`,
    displayName: externalId,
    attributes: {
      department: null,
      job_title: null,
      team: null,
      location: null,
      employment_type: null,
      employment_status: "Active",
      job_level: null,
      hire_date: null,
      manager: null,
      cost_center: null,
      trainings: [],
      groups: [],
      ...attributes,
    },
  });

  it("creates people a new manager leads after that manager, and refuses managers who lead each other", () => {
    const table = read(
      [
        "external_id,email,manager",
        "lee,lee@company.com,kim@company.com",
        "kim,kim@company.com,boss@company.com",
        "a,a@company.com,b@company.com",
        "b,b@company.com,a@company.com",
      ].join("\n"),
    );
    const plan = planImport(table, { byKey: new Map(), emailOwners: new Map([["boss@company.com", "boss"]]) });
    expect(plan.outcomes.map((o) => o.person.externalId)).toEqual(["kim", "lee"]);
    expect(plan.problems.map((p) => [p.row, p.column])).toEqual([
      [4, "manager"],
      [5, "manager"],
    ]);
  });

  it("compares trainings as sets and only the columns the file has", () => {
    const table = read("external_id,trainings\nsarah.chen,b;a\n");
    const plan = planImport(table, {
      byKey: new Map([["sarah.chen", person("sarah.chen", { trainings: ["a", "b"], team: "Platform" })]]),
      emailOwners: new Map(),
    });
    expect(plan.outcomes).toEqual([
      { kind: "unchanged", row: 2, person: expect.objectContaining({ externalId: "sarah.chen" }) },
    ]);
  });
});
