import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, financeReportsAsk, movableClock, submit } from "@/test/support/requests";
import { typeSettingsOf, updateTypeSettings } from "../exceptions/settings";
import { loadDecisionContext } from "./decision-context";

let t: TestDatabase;
const clock = movableClock("2026-11-23T09:00:00Z");
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

describe("what a decision reads in one statement", () => {
  it("carries the settings of the template's exception type, the defaults or IT's, as provisioning would read them", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    const cfo = await as(t.db, "cfo@company.com", clock);
    const r = await submit(sarah, financeReportsAsk);
    const read = () =>
      t.db.transaction(async (tx) => {
        const known = await loadDecisionContext(tx, r, cfo.actor.identityId, clock());
        return { known: known.typeSettings, separately: await typeSettingsOf(tx, known.typeSettings.type) };
      });

    const defaults = await read();
    expect(defaults.known.settings).toEqual(defaults.separately);

    const priya = await as(t.db, "priya.raman@company.com", clock);
    const saved = {
      ...defaults.separately,
      type: defaults.known.type,
      reminderOffsetsMinutes: [3 * 24 * 60, 60],
      escalatedApproverGroup: null,
    };
    await updateTypeSettings({ ctx: priya, input: saved });
    const tuned = await read();
    expect(tuned.known.settings).toEqual(tuned.separately);
    expect(tuned.known.settings.reminderOffsetsMinutes).toEqual([3 * 24 * 60, 60]);
    expect(tuned.known.settings).not.toEqual(defaults.known.settings);
  });
});
