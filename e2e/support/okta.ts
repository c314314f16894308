import { oktaUsers, startFakeOkta } from "../../test/fakes/okta";

/**
 * The Okta org the e2e directory pull reads: 12 people (okta.user0…11@company.com), the first
 * two in platform-oncall. Its API token is the app's E2E_OKTA_TOKEN (playwright.config.ts).
 */
const users = oktaUsers(12, "2026-06-01T08:00:00.000Z");
await startFakeOkta({
  port: Number(process.env.OKTA_PORT),
  users,
  groups: [
    {
      id: "00ge2e0001",
      name: "platform-oncall",
      members: [users[0]!.id, users[1]!.id],
      lastUpdated: "2026-06-01T08:00:00.000Z",
      lastMembershipUpdated: "2026-06-01T08:00:00.000Z",
    },
  ],
});
