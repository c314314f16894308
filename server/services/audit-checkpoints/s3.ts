import type { S3Client } from "@aws-sdk/client-s3";
import { CHECKPOINT_NAME } from "@/server/core/audit/checkpoint";
import type { S3CheckpointSettings } from "./settings";
import type { CheckpointStore } from "./stores";

const DAY_MS = 86_400_000;

/**
 * An S3 bucket (AWS, or any S3-compatible service through CLEARANCE_AUDIT_S3_ENDPOINT) created with
 * Object Lock. Each checkpoint is one object put with COMPLIANCE retention, which nobody, not even
 * the account's root, can shorten or delete before it ends, and with If-None-Match: * so an
 * existing name is never overwritten. Names sort newest first, so the latest is the first listed.
 */
export function s3CheckpointStore(settings: S3CheckpointSettings): CheckpointStore {
  // The SDK loads only where a bucket is configured, and only when first used.
  const sdk = once(() => import("@aws-sdk/client-s3"));
  let client: S3Client | undefined;
  const connect = async () => {
    const { S3Client } = await sdk();
    client ??= new S3Client({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint, forcePathStyle: true } : {}),
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
      maxAttempts: 3,
    });
    return client;
  };
  const where = `s3://${settings.bucket}/${settings.prefix}`;
  const statusOf = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  const explain = (err: unknown) => {
    const status = statusOf(err);
    if (status) return new Error(`${where}: ${(err as Error).name} (HTTP ${status}): ${(err as Error).message}`);
    return new Error(`${where}: ${(err as Error)?.message ?? String(err)}`);
  };
  return {
    location: `S3 ${where}${settings.endpoint ? ` at ${settings.endpoint}` : ""}`,
    async write(name, body, at) {
      try {
        const { PutObjectCommand } = await sdk();
        await (
          await connect()
        ).send(
          new PutObjectCommand({
            Bucket: settings.bucket,
            Key: `${settings.prefix}${name}`,
            Body: body,
            ContentType: "application/json",
            IfNoneMatch: "*",
            ObjectLockMode: "COMPLIANCE",
            ObjectLockRetainUntilDate: new Date(at.getTime() + settings.retentionDays * DAY_MS),
          }),
        );
        return "written";
      } catch (err) {
        // 412: an object of that name exists (another instance wrote the same millisecond); it stays as it is.
        if (statusOf(err) === 412) return "exists";
        throw explain(err);
      }
    },
    async latest() {
      try {
        const [{ GetObjectCommand, ListObjectsV2Command }, client] = await Promise.all([sdk(), connect()]);
        const listed = await client.send(
          new ListObjectsV2Command({ Bucket: settings.bucket, Prefix: settings.prefix, MaxKeys: 20 }),
        );
        const key = (listed.Contents ?? [])
          .map((o) => o.Key ?? "")
          .find((k) => CHECKPOINT_NAME.test(k.slice(settings.prefix.length)));
        if (!key) return null;
        const object = await client.send(new GetObjectCommand({ Bucket: settings.bucket, Key: key }));
        return { name: key.slice(settings.prefix.length), text: await object.Body!.transformToString("utf8") };
      } catch (err) {
        throw explain(err);
      }
    },
    close: () => client?.destroy(),
  };
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}
