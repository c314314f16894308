import { describe, expect, it } from "vitest";
import { validateRequestInput } from "./request-input";
import { formatDuration, templateDefinitionSchema } from "./template";

const def = templateDefinitionSchema.parse({
  grants: [{ resource: "google:group:finance-reports@company.com", level: null }],
  durations: [60 * 24 * 7, 60 * 24 * 7 * 6],
  maxDurationMinutes: 60 * 24 * 7 * 6,
  startMode: "on_approval",
  stages: [
    {
      name: "CFO",
      approvers: [{ kind: "person", email: "cfo@company.com" }],
      threshold: { kind: "any" },
      notify: { policy: "all", count: 1 },
      escalation: null,
    },
  ],
  fields: [
    { key: "project", label: "Project", type: "text", required: true },
    {
      key: "data_class",
      label: "Data class",
      type: "dropdown",
      required: false,
      options: ["internal", "confidential"],
    },
    { key: "privacy_ack", label: "I will handle the data per the privacy policy", type: "checkbox", required: true },
  ],
  justificationMinLength: 30,
});
const now = new Date("2026-11-22T12:00:00Z");
const good = {
  durationMinutes: 60 * 24 * 42,
  justification: "Q4 sales commission analysis project with Finance.",
  requestedStart: null,
  fields: { project: "Commission Transparency Initiative", privacy_ack: true },
  ticketReference: null,
};

describe("request input", () => {
  it("accepts a complete request", () => {
    expect(validateRequestInput(def, good, now)).toEqual({
      ok: true,
      fields: { project: "Commission Transparency Initiative", privacy_ack: true },
    });
  });

  it.each([
    [{ durationMinutes: 60 * 24 * 7 * 7 }, "durationMinutes", "longer than this access allows (at most 6 weeks)"],
    [{ durationMinutes: 60 }, "durationMinutes", "choose one of: 1 week, 6 weeks"],
    [{ justification: "need it" }, "justification", "at least 30 characters"],
    [{ fields: { privacy_ack: true } }, "fields.project", "Project is required"],
    [{ fields: { project: "x", privacy_ack: false } }, "fields.privacy_ack", "must be ticked"],
    [
      { fields: { project: "x", privacy_ack: true, data_class: "secret" } },
      "fields.data_class",
      "must be one of: internal, confidential",
    ],
    [{ fields: { project: "x", privacy_ack: true, colour: "red" } }, "fields.colour", "is not a field"],
    [{ requestedStart: new Date("2026-12-01T00:00:00Z") }, "requestedStart", "starts when it is approved"],
  ])("refuses %j naming %s", (change, field, message) => {
    const result = validateRequestInput(def, { ...good, ...change }, now);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toContainEqual({ field, message: expect.stringContaining(message) });
  });

  it("formats durations in the largest whole unit", () => {
    expect([30, 60, 480, 60 * 24 * 3, 60 * 24 * 7, 60 * 24 * 42].map(formatDuration)).toEqual([
      "30 minutes",
      "1 hour",
      "8 hours",
      "3 days",
      "1 week",
      "6 weeks",
    ]);
  });

  it("refuses a template whose durations pass its maximum, naming the duration", () => {
    const bad = templateDefinitionSchema.safeParse({ ...def, durations: [60, 600], maxDurationMinutes: 120 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({
      path: ["durations", 1],
      message: "10 hours is longer than the maximum (2 hours)",
    });
  });
});
