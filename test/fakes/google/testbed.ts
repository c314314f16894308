import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AdapterError } from "@/server/adapters/types";
import { googleConnector, googleSettings } from "@/server/directory/google";
import { startFakeGoogle, type FakeGoogle, type FakeGoogleOptions } from "../google-directory";
import { fakeServiceAccount } from "./token";

/** An environment of just these variables (Next's typings make NODE_ENV required in ProcessEnv). */
export const envOf = (vars: Record<string, string> = {}) => vars as unknown as NodeJS.ProcessEnv;

/**
 * One service account and the fakes a test file starts: `fake()` starts a fake Google that knows
 * the account, `connect()` writes a key file whose token_uri points at that fake and returns the
 * real connector reading it (only rootUrl and the key file say it is a fake).
 */
export function googleTestbed({ admin = "admin@example.com", keyEnv = "GOOGLE_DIRECTORY_KEY" } = {}) {
  const sa = fakeServiceAccount();
  const dir = mkdtempSync(path.join(tmpdir(), "google-directory-"));
  const fakes: FakeGoogle[] = [];
  let keys = 0;
  return {
    sa,
    dir,
    admin,
    keyEnv,
    async fake(options: Partial<FakeGoogleOptions> = {}) {
      const google = await startFakeGoogle({ serviceAccounts: [sa], admins: [admin], ...options });
      fakes.push(google);
      return google;
    },
    settings(google: FakeGoogle, settings: Record<string, unknown> = {}) {
      return googleSettings.parse({ adminEmail: admin, keyFileEnv: keyEnv, rootUrl: google.url, ...settings });
    },
    connect(google: FakeGoogle, settings: Record<string, unknown> = {}) {
      const keyFile = sa.writeKeyFile(dir, google.tokenUrl, `key-${++keys}.json`);
      return googleConnector(this.settings(google, settings), { env: envOf({ [keyEnv]: keyFile }) });
    },
    close: () => Promise.all(fakes.map((f) => f.close())),
  };
}

/** The AdapterError `p` rejects with (fails the test if it resolves or rejects with something else). */
export async function rejection(p: Promise<unknown>): Promise<AdapterError> {
  const outcome = await p.then(
    () => new Error("expected a rejection"),
    (e: unknown) => e,
  );
  if (!(outcome instanceof AdapterError)) throw outcome;
  return outcome;
}
