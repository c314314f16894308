import { describe, expect, it } from "vitest";
import { validateAttributes } from "./validate";

describe("validating HR attribute values", () => {
  it("trims text, lowercases the manager email, de-duplicates trainings and treats empty text as no value", () => {
    expect(
      validateAttributes({
        job_title: "  Sales Engineer ",
        team: "",
        manager: "John.Doe@Company.com",
        trainings: ["a", " a ", "b"],
      }),
    ).toEqual({
      ok: true,
      values: { job_title: "Sales Engineer", team: null, manager: "john.doe@company.com", trainings: ["a", "b"] },
    });
  });

  it.each([
    [{ favourite_colour: "blue" }, "favourite_colour", "is not an HR attribute"],
    [{ employment_status: "" }, "employment_status", "cannot be empty"],
    [{ employment_status: null }, "employment_status", "cannot be empty"],
    [{ hire_date: "2024-02-30" }, "hire_date", "must be a date as YYYY-MM-DD"],
    [{ hire_date: "24/11/2024" }, "hire_date", "must be a date as YYYY-MM-DD"],
    [{ hire_date: "0000-01-01" }, "hire_date", "between the years 1900 and 2200"],
    [{ hire_date: "9999-12-31" }, "hire_date", "between the years 1900 and 2200"],
    [{ manager: "john" }, "manager", "must be an email"],
    [{ trainings: "security-101" }, "trainings", "must be a list"],
    [{ department: 42 }, "department", "must be text"],
    [{ team: "x".repeat(201) }, "team", "longer than 200"],
  ])("refuses %j naming %s", (input, field, message) => {
    const result = validateAttributes(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems[0]!.field).toBe(field);
      expect(result.problems[0]!.message).toContain(message);
    }
  });
});
