import { describe, expect, it } from "vitest";
import { demoConfig } from "@/test/support/policies";
import { parsePolicyFile } from "./parse";
import { unknownValues } from "./unknown-values";

describe("HR values no policy or alias knows", () => {
  const { policies } = parsePolicyFile("p.yaml", "name: eng\nwhen:\n  - department: Engineering\n  - employment_status: Active\ngrants: [google:account:workspace]\n");
  const person = (id: string, department: string, status = "Active") => ({ id, attributes: { department, employment_status: status } });

  it("lists values policies do not name and no alias maps, likely mistakes first, with the value they resemble", () => {
    const report = unknownValues(
      policies,
      [person("1", "Engineering"), person("2", "Eng"), person("3", "Product Eng"), person("4", "Product Eng"), person("5", "Legal"), person("6", "Legal"), person("7", "Legal", "Terminated")],
      demoConfig(),
    );
    expect(report).toEqual([
      { attribute: "department", value: "Product Eng", people: 2, looksLike: "Engineering" },
      { attribute: "department", value: "Legal", people: 3, looksLike: null },
    ]);
  });
});
