import { randomBytes } from "node:crypto";
import { link, mkdir, open, readdir, readFile, unlink } from "node:fs/promises";
import path from "node:path";
import { signWebhookBody } from "@/server/adapters/webhook";
import { CHECKPOINT_NAME } from "@/server/core/audit/checkpoint";
import { s3CheckpointStore } from "./s3";
import type { CheckpointSettings } from "./settings";

/** One place checkpoints are written to (and, except a webhook, read back from). */
export interface CheckpointStore {
  /** for messages, e.g. "directory /srv/clearance/audit-checkpoints" */
  location: string;
  /** "exists": a checkpoint of that name is already there (another instance, same millisecond); it is never replaced. */
  write(name: string, body: string, at: Date): Promise<"written" | "exists">;
  /** The newest checkpoint there, or null when there is none yet. Absent for write-only stores. */
  latest?(): Promise<{ name: string; text: string } | null>;
  close?(): void;
}

/**
 * A directory on the app's host (or a mounted volume): each checkpoint is written to a temporary
 * file, flushed, then linked to its name, which fails if the name exists, so a checkpoint is
 * never half-written nor replaced. Files are read-only.
 */
export function directoryCheckpointStore(directory: string): CheckpointStore {
  return {
    location: `directory ${directory}`,
    async write(name, body) {
      await mkdir(directory, { recursive: true });
      const temporary = path.join(directory, `.${name}.${randomBytes(6).toString("hex")}.tmp`);
      const file = await open(temporary, "wx", 0o444);
      try {
        await file.writeFile(body);
        await file.sync();
      } finally {
        await file.close();
      }
      try {
        await link(temporary, path.join(directory, name));
        return "written";
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EEXIST") return "exists";
        throw err;
      } finally {
        await unlink(temporary).catch(() => undefined);
      }
    },
    async latest() {
      let names: string[];
      try {
        names = await readdir(directory);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
      }
      const newest = names.filter((n) => CHECKPOINT_NAME.test(n)).sort()[0];
      return newest ? { name: newest, text: await readFile(path.join(directory, newest), "utf8") } : null;
    },
  };
}

/**
 * POSTs each checkpoint to a receiver (a SIEM, a ticketing hook, another team's archive), signed as
 * the webhook adapter signs its calls: x-clearance-timestamp and x-clearance-signature (HMAC-SHA256 of
 * "timestamp.body" with the shared secret). Write-only: verification does not read it back.
 */
export function webhookCheckpointStore(settings: { url: string; secret: string }, timeoutMs = 10_000): CheckpointStore {
  return {
    location: `webhook ${new URL(settings.url).origin}`,
    async write(name, body) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const response = await fetch(settings.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-clearance-event": "audit.checkpoint",
          "x-clearance-timestamp": timestamp,
          "x-clearance-signature": signWebhookBody(settings.secret, timestamp, body),
          "idempotency-key": name,
        },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return "written";
    },
  };
}

export function checkpointStores(settings: CheckpointSettings): CheckpointStore[] {
  return [
    directoryCheckpointStore(settings.directory),
    ...(settings.s3 ? [s3CheckpointStore(settings.s3)] : []),
    ...(settings.webhook ? [webhookCheckpointStore(settings.webhook)] : []),
  ];
}
