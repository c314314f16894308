import { createHash, createPrivateKey } from "node:crypto";
import { readFile } from "node:fs/promises";
import { auth as googleAuth } from "@googleapis/admin";
import { z } from "zod";
import { AdapterError } from "@/server/adapters/types";

/** Read-only scopes: the connector lists users, groups and members and never writes. */
export const GOOGLE_SCOPES = [
  "https://www.googleapis.com/auth/admin.directory.user.readonly",
  "https://www.googleapis.com/auth/admin.directory.group.readonly",
] as const;

/**
 * Google's token endpoint. gtoken 8.0.0 (under google-auth-library 10.5.0) posts every
 * service-account assertion here and signs it with this `aud`, whatever the key file's `token_uri`
 * says (GOOGLE_TOKEN_URL in gtoken/build/cjs/src/index.cjs; JWT.fromJSON does not read token_uri
 * either), and neither library has an option for another token URL. serviceAccountClient below
 * honours `token_uri` by redirecting that one request; the assertion's `aud` stays Google's.
 */
export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";

/** Per HTTP request, token and Directory API alike (gaxios turns it into an abort signal). */
const REQUEST_TIMEOUT_MS = 60_000;

const keyFileSchema = z.object({
  type: z.literal("service_account"),
  client_email: z.string().min(1),
  private_key: z.string().min(1),
  private_key_id: z.string().optional(),
  client_id: z.string().optional(),
  token_uri: z.string().optional(),
});

/** What the connector needs from a service account's JSON key. */
export interface ServiceAccountKey {
  clientEmail: string;
  /** the OAuth client ID an admin authorizes under domain-wide delegation */
  clientId: string | null;
  privateKey: string;
  privateKeyId?: string;
  tokenUri: string;
  /** changes when the file's content does: a rotated key gets a new client */
  fingerprint: string;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

const readFailure: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "it is a directory",
};

/**
 * Reads the key file named by the environment variable `envName`, at each call so a rotated key is
 * picked up. Failures are non-retryable AdapterErrors that name the variable and never quote the
 * file (JSON.parse's own message would quote its text, so it is not passed on).
 */
export async function loadServiceAccountKey(envName: string, env: NodeJS.ProcessEnv): Promise<ServiceAccountKey> {
  const where = `the key file in ${envName}`;
  const path = env[envName];
  if (!path) {
    throw new AdapterError(
      `${where} cannot be read: ${envName} is not set (it should hold the path of the service account's JSON key file)`,
      false,
    );
  }
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    throw new AdapterError(`${where} cannot be read: ${path}: ${readFailure[code] ?? (code || "read failed")}`, false);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AdapterError(`${where} (${path}) is not JSON: expected a service account's JSON key`, false);
  }
  const parsed = keyFileSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".") || "(top level)"))];
    throw new AdapterError(
      `${where} (${path}) is not a service account JSON key: check ${fields.join(", ")} (type must be "service_account")`,
      false,
    );
  }
  const key = parsed.data;
  try {
    createPrivateKey(key.private_key);
  } catch {
    throw new AdapterError(`${where} (${path}) has a private_key that is not a PEM private key`, false);
  }
  const tokenUri = key.token_uri ?? GOOGLE_TOKEN_URL;
  let url: URL;
  try {
    url = new URL(tokenUri);
  } catch {
    throw new AdapterError(`${where} (${path}) has a token_uri that is not a URL`, false);
  }
  // The signed assertion is a credential for an hour: it goes over TLS, or stays on this machine.
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
    throw new AdapterError(`${where} (${path}) has a token_uri that is not https://`, false);
  }
  return {
    clientEmail: key.client_email,
    clientId: key.client_id ?? null,
    privateKey: key.private_key,
    privateKeyId: key.private_key_id,
    tokenUri: url.href,
    fingerprint: createHash("sha256").update(text).digest("hex"),
  };
}

export type ServiceAccountClient = InstanceType<typeof googleAuth.JWT>;

/**
 * A JWT client that impersonates `subject` (domain-wide delegation: the assertion's `sub`) with the
 * read-only Directory scopes, and sends its token request to the key's `token_uri`.
 */
export function serviceAccountClient(key: ServiceAccountKey, subject: string): ServiceAccountClient {
  const client = new googleAuth.JWT({
    email: key.clientEmail,
    key: key.privateKey,
    keyId: key.privateKeyId,
    scopes: [...GOOGLE_SCOPES],
    subject,
    transporterOptions: { timeout: REQUEST_TIMEOUT_MS },
  });
  if (key.tokenUri !== GOOGLE_TOKEN_URL) {
    const tokenUrl = key.tokenUri;
    client.transporter.interceptors.request.add({
      resolved: async (config) => {
        if (config.url.href === GOOGLE_TOKEN_URL) config.url = new URL(tokenUrl);
        return config;
      },
    });
  }
  return client;
}

interface TokenErrorBody {
  error?: unknown;
  error_description?: unknown;
}

/**
 * Gets (or reuses) the access token, turning the token endpoint's refusals into words. The
 * assertion and the token are never part of a message.
 */
export async function authorize(client: ServiceAccountClient, key: ServiceAccountKey, subject: string): Promise<void> {
  try {
    const { token } = await client.getAccessToken();
    if (!token) throw new AdapterError("Google's token endpoint answered without an access token", true);
  } catch (e) {
    if (e instanceof AdapterError) throw e;
    const err = e as { response?: { status?: number; data?: unknown }; code?: unknown };
    const status = err.response?.status;
    const body = (typeof err.response?.data === "object" ? err.response.data : {}) as TokenErrorBody | null;
    const error = typeof body?.error === "string" ? body.error : null;
    const description = typeof body?.error_description === "string" ? body.error_description : null;
    if (error === "unauthorized_client") {
      const client = key.clientId ? `client ID ${key.clientId} (${key.clientEmail})` : key.clientEmail;
      throw new AdapterError(
        `domain-wide delegation is not granted for scope ${GOOGLE_SCOPES.join(", ")} to the service account's ` +
          `${client}: a super admin adds them under Security > Access and data control > API controls > ` +
          `Domain-wide delegation (Google: ${description ?? error})`,
        false,
      );
    }
    if (error === "invalid_grant") {
      throw new AdapterError(
        `Google refused the service account ${key.clientEmail} acting as ${subject}: ${description ?? error} ` +
          `(an unknown admin email, a deleted or disabled key, or this server's clock)`,
        false,
      );
    }
    if (status !== undefined && status < 500 && status !== 429 && status !== 408) {
      throw new AdapterError(
        `Google's token endpoint refused the service account ${key.clientEmail}: ${status} ${error ?? ""}`.trim(),
        false,
      );
    }
    const why = status
      ? `answered ${status}`
      : `did not answer (${typeof err.code === "string" ? err.code : "network"})`;
    throw new AdapterError(`Google's token endpoint ${why}`, true);
  }
}
