import { generateKeyPairSync, randomBytes, verify, type KeyObject } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Google's OAuth 2.0 token endpoint for service accounts, JWT bearer grant
 * (https://developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests):
 * POST application/x-www-form-urlencoded grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer and
 * assertion=<RS256 JWT> whose claims are iss (the service account's email), scope (space-separated),
 * aud ("https://oauth2.googleapis.com/token"), exp (at most an hour after iat), iat, and sub (the
 * user to impersonate, domain-wide delegation). Answers {access_token, expires_in, token_type} or
 * {error, error_description}: unauthorized_client (401) when the client is not granted the scopes
 * under domain-wide delegation, invalid_grant (400) for a bad signature, times, or an unknown sub.
 */

export const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
export const GOOGLE_AUDIENCE = "https://oauth2.googleapis.com/token";

/** A service account as the test sees it: its key pair and identity. */
export interface FakeServiceAccount {
  clientEmail: string;
  clientId: string;
  privateKeyPem: string;
  publicKey: KeyObject;
  /** the JSON key file Google would hand out, with `token_uri` pointing where the test says */
  keyJson(tokenUri: string): Record<string, string>;
  /** writes keyJson(tokenUri) to dir/<name> and returns its path */
  writeKeyFile(dir: string, tokenUri: string, name?: string): string;
}

let accounts = 0;

/** A service account with a real 2048-bit RSA key (node:crypto). */
export function fakeServiceAccount(clientEmail = `clearance-sync@fake-project.iam.gserviceaccount.com`) {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const clientId = String(100000000000000000000n + BigInt(++accounts));
  const account: FakeServiceAccount = {
    clientEmail,
    clientId,
    privateKeyPem,
    publicKey,
    keyJson: (tokenUri) => ({
      type: "service_account",
      project_id: "fake-project",
      private_key_id: randomBytes(20).toString("hex"),
      private_key: privateKeyPem,
      client_email: clientEmail,
      client_id: clientId,
      auth_uri: "https://accounts.google.com/o/oauth2/auth",
      token_uri: tokenUri,
      auth_provider_x509_cert_url: "https://www.googleapis.com/oauth2/v1/certs",
      universe_domain: "googleapis.com",
    }),
    writeKeyFile: (dir, tokenUri, name = "service-account.json") => {
      const file = path.join(dir, name);
      writeFileSync(file, JSON.stringify(account.keyJson(tokenUri), null, 2), { mode: 0o600 });
      return file;
    },
  };
  return account;
}

export interface AssertionClaims {
  iss: string;
  scope: string[];
  sub: string | null;
  exp: number;
  iat: number;
}

export type TokenError = { status: number; error: string; description: string };

const b64json = (part: string): Record<string, unknown> | null => {
  try {
    const v = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof v === "object" && v !== null ? v : null;
  } catch {
    return null;
  }
};

/** Checks an assertion as Google does: signature by the registered key, audience, lifetime. */
export function verifyAssertion(
  assertion: string,
  keyFor: (clientEmail: string) => KeyObject | undefined,
  nowSeconds: number,
): { ok: true; claims: AssertionClaims } | { ok: false; failure: TokenError } {
  const bad = (description: string) =>
    ({ ok: false, failure: { status: 400, error: "invalid_grant", description } }) as const;
  const parts = assertion.split(".");
  if (parts.length !== 3) return bad("Invalid JWT Signature.");
  const [h, p, s] = parts as [string, string, string];
  const header = b64json(h);
  const payload = b64json(p);
  if (!header || !payload || header.alg !== "RS256") return bad("Invalid JWT Signature.");
  const iss = typeof payload.iss === "string" ? payload.iss : "";
  const key = keyFor(iss);
  if (!key) return bad("Invalid grant: account not found");
  if (!verify("sha256", Buffer.from(`${h}.${p}`), key, Buffer.from(s, "base64url"))) {
    return bad("Invalid JWT Signature.");
  }
  if (payload.aud !== GOOGLE_AUDIENCE) return bad("Invalid JWT: Failed audience check.");
  const iat = Number(payload.iat);
  const exp = Number(payload.exp);
  if (
    !Number.isFinite(iat) ||
    !Number.isFinite(exp) ||
    exp - iat > 3600 ||
    exp < nowSeconds ||
    iat > nowSeconds + 300
  ) {
    return bad(
      "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.",
    );
  }
  const scope = typeof payload.scope === "string" ? payload.scope.split(" ").filter(Boolean) : [];
  if (!scope.length) return { ok: false, failure: { status: 400, error: "invalid_scope", description: "Empty scope" } };
  const sub = typeof payload.sub === "string" ? payload.sub : null;
  return { ok: true, claims: { iss, scope, sub, exp, iat } };
}
