import path from "node:path";
import { dataDirectory, StartupError } from "@/server/config";

/**
 * Where checkpoints go, from the environment: always a directory (by default under the data
 * directory), and optionally an S3-compatible bucket with Object Lock and a webhook.
 */
export interface S3CheckpointSettings {
  bucket: string;
  /** key prefix, e.g. "clearance/audit-checkpoints/" */
  prefix: string;
  region: string;
  /** an S3-compatible service's URL (MinIO, Ceph, ...); path-style addressing is used with it */
  endpoint?: string;
  /** COMPLIANCE retention of each checkpoint object */
  retentionDays: number;
  /** otherwise the SDK's default chain (AWS_ACCESS_KEY_ID..., an instance role) */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface CheckpointSettings {
  directory: string;
  s3: S3CheckpointSettings | null;
  webhook: { url: string; secret: string } | null;
}

type Env = Record<string, string | undefined>;

export const DEFAULT_S3_RETENTION_DAYS = 2557; // seven years

const value = (env: Env, name: string) => env[name]?.trim() || undefined;

/** Throws StartupError naming the first setting that is incomplete or wrong. */
export function checkpointSettings(env: Env = process.env): CheckpointSettings {
  const directory = value(env, "CLEARANCE_AUDIT_CHECKPOINT_DIR") ?? path.join(dataDirectory(env), "audit-checkpoints");

  let s3: S3CheckpointSettings | null = null;
  const bucket = value(env, "CLEARANCE_AUDIT_S3_BUCKET");
  if (bucket) {
    const endpoint = value(env, "CLEARANCE_AUDIT_S3_ENDPOINT");
    if (endpoint && !/^https?:\/\/[^\s]+$/.test(endpoint))
      throw new StartupError(`CLEARANCE_AUDIT_S3_ENDPOINT is not an http(s) URL: "${endpoint}"`);
    const days = Number(value(env, "CLEARANCE_AUDIT_S3_RETENTION_DAYS") ?? DEFAULT_S3_RETENTION_DAYS);
    if (!Number.isInteger(days) || days < 1 || days > 36_500)
      throw new StartupError("CLEARANCE_AUDIT_S3_RETENTION_DAYS must be a whole number of days from 1 to 36500");
    const accessKeyId = value(env, "CLEARANCE_AUDIT_S3_ACCESS_KEY_ID");
    const secretAccessKey = value(env, "CLEARANCE_AUDIT_S3_SECRET_ACCESS_KEY");
    if (!accessKeyId !== !secretAccessKey)
      throw new StartupError("CLEARANCE_AUDIT_S3_ACCESS_KEY_ID and CLEARANCE_AUDIT_S3_SECRET_ACCESS_KEY go together");
    const prefix = value(env, "CLEARANCE_AUDIT_S3_PREFIX") ?? "clearance/audit-checkpoints/";
    s3 = {
      bucket,
      prefix: prefix.endsWith("/") ? prefix : `${prefix}/`,
      region: value(env, "CLEARANCE_AUDIT_S3_REGION") ?? value(env, "AWS_REGION") ?? "us-east-1",
      endpoint,
      retentionDays: days,
      credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    };
  }

  let webhook: CheckpointSettings["webhook"] = null;
  const url = value(env, "CLEARANCE_AUDIT_WEBHOOK_URL");
  if (url) {
    if (!/^https?:\/\/[^\s]+$/.test(url))
      throw new StartupError(`CLEARANCE_AUDIT_WEBHOOK_URL is not an http(s) URL: "${url}"`);
    const secret = value(env, "CLEARANCE_AUDIT_WEBHOOK_SECRET");
    if (!secret)
      throw new StartupError(
        "CLEARANCE_AUDIT_WEBHOOK_SECRET is not set: checkpoints posted to CLEARANCE_AUDIT_WEBHOOK_URL are signed with it",
      );
    webhook = { url, secret };
  }
  return { directory, s3, webhook };
}
