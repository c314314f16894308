import { DeleteObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { fixedClock } from "@/test/support/actors";
import { allEvents } from "@/test/support/audit-tamper";
import { asDatabaseSuperuser, createTestDatabase, type TestDatabase } from "@/test/support/db";
import { startFakeS3, type FakeS3 } from "@/test/support/s3-fake";
import { recordAuditEvent } from "../audit";
import { chainAuditEvents } from "../audit-sequencer";
import { verifyAuditChain } from "../audit-log";
import { writeAuditCheckpoint } from "./checkpoints";
import { checkpointSettings } from "./settings";
import { checkpointStores } from "./stores";

describe("checkpoints in an S3 bucket with Object Lock", () => {
  let t: TestDatabase;
  let s3: FakeS3;
  const env = () => ({
    CLEARANCE_AUDIT_CHECKPOINT_DIR: process.env.CLEARANCE_AUDIT_CHECKPOINT_DIR,
    CLEARANCE_AUDIT_S3_BUCKET: "evidence",
    CLEARANCE_AUDIT_S3_ENDPOINT: s3.endpoint,
    CLEARANCE_AUDIT_S3_ACCESS_KEY_ID: s3.accessKeyId,
    CLEARANCE_AUDIT_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    CLEARANCE_AUDIT_S3_PREFIX: "clearance/checkpoints",
    CLEARANCE_AUDIT_S3_RETENTION_DAYS: "30",
  });
  /** Only the bucket: what the checkpoint in S3 alone proves. */
  const s3Only = () =>
    checkpointStores({ ...checkpointSettings(env()), webhook: null }).filter((s) => s.location.startsWith("S3 "));

  beforeAll(async () => {
    t = await createTestDatabase("empty");
    s3 = await startFakeS3();
    s3.createBucket("evidence", { objectLock: true });
    s3.createBucket("plain");
    for (let i = 0; i < 5; i++) {
      await t.db.transaction((tx) =>
        recordAuditEvent(
          tx,
          { actor: systemActor("test"), clock: fixedClock() },
          { action: "test.event", subjectType: "test", subjectId: String(i) },
        ),
      );
    }
    await chainAuditEvents({ db: t.db });
  });
  afterAll(async () => {
    await s3.close();
    await t.close();
  });

  it("puts each checkpoint with COMPLIANCE retention, a checksum and If-None-Match, and reads it back to verify", async () => {
    const now = new Date(Date.now() - 60_000);
    const stores = checkpointStores(checkpointSettings(env()));
    expect(stores.map((s) => s.location)).toEqual([
      `directory ${process.env.CLEARANCE_AUDIT_CHECKPOINT_DIR}`,
      `S3 s3://evidence/clearance/checkpoints/ at ${s3.endpoint}`,
    ]);
    const result = await writeAuditCheckpoint({ ctx: { db: t.db, clock: () => now }, stores });
    expect(result).toMatchObject({ ok: true, failed: [], written: [{ outcome: "written" }, { outcome: "written" }] });
    if (!result.ok) return;

    const objects = s3.versions("evidence");
    expect([...objects.keys()]).toEqual([`clearance/checkpoints/${result.name}`]);
    const [version] = objects.get(`clearance/checkpoints/${result.name}`)!;
    expect(version!.lockMode).toBe("COMPLIANCE");
    expect(version!.retainUntil!.getTime()).toBe(now.getTime() + 30 * 86_400_000);
    expect(version!.headers).toMatchObject({
      "if-none-match": "*",
      "x-amz-object-lock-mode": "COMPLIANCE",
      "content-type": "application/json",
    });
    expect(Object.keys(version!.headers).some((h) => h.startsWith("x-amz-checksum-") || h === "content-md5")).toBe(
      true,
    );
    expect(JSON.parse(version!.body.toString())).toEqual(result.checkpoint);

    const verified = await verifyAuditChain({ ctx: { db: t.db }, stores: s3Only() });
    expect(verified).toMatchObject({
      ok: true,
      checked: 5,
      unconfirmed: [],
      checkpoints: [{ location: `S3 s3://evidence/clearance/checkpoints/ at ${s3.endpoint}`, count: 5 }],
    });
  });

  it("never overwrites or deletes a checkpoint object: the store and S3 both refuse", async () => {
    const [key, [first]] = [...s3.versions("evidence")][0]!;
    const [store] = s3Only();
    expect(await store!.write(key.slice("clearance/checkpoints/".length), '{"forged":true}', new Date())).toBe(
      "exists",
    );

    const client = new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: "us-east-1",
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => "accepted",
        (err: S3ServiceException) => `${err.$metadata.httpStatusCode} ${err.name}`,
      );
    expect(
      await refusal(client.send(new PutObjectCommand({ Bucket: "evidence", Key: key, Body: "{}", IfNoneMatch: "*" }))),
    ).toBe("412 PreconditionFailed");
    expect(
      await refusal(
        client.send(new DeleteObjectCommand({ Bucket: "evidence", Key: key, VersionId: first!.versionId })),
      ),
    ).toBe("403 AccessDenied");
    client.destroy();
    expect(s3.versions("evidence").get(key)).toEqual([first]);
  });

  it("catches events removed from the end with the bucket's checkpoint alone", async () => {
    const rows = await allEvents(t.db);
    await asDatabaseSuperuser(t.db, (tx) => tx.execute(sql`delete from audit_events where id = ${rows.at(-1)!.id}`));
    expect(await verifyAuditChain({ ctx: { db: t.db }, stores: s3Only() })).toMatchObject({
      ok: false,
      brokenAt: null,
      problem: expect.stringMatching(
        new RegExp(
          `^events after #${rows.at(-2)!.id} are missing: the checkpoint of .* saw 5 events ending at #${rows.at(-1)!.id} .*; the database has only 4$`,
        ),
      ),
    });
  });

  it("reports a bucket without Object Lock, or one that does not exist, as a location not written", async () => {
    const settings = checkpointSettings({ ...env(), CLEARANCE_AUDIT_S3_BUCKET: "plain" });
    const fresh = await createTestDatabase("empty");
    try {
      const stores = checkpointStores(settings).filter((s) => s.location.startsWith("S3 "));
      expect(await writeAuditCheckpoint({ ctx: { db: fresh.db, clock: () => new Date() }, stores })).toMatchObject({
        ok: true,
        written: [],
        failed: [
          {
            location: `S3 s3://plain/clearance/checkpoints/ at ${s3.endpoint}`,
            problem: expect.stringMatching(/InvalidRequest \(HTTP 400\): Bucket is missing Object Lock Configuration/),
          },
        ],
      });
      const missing = checkpointStores(checkpointSettings({ ...env(), CLEARANCE_AUDIT_S3_BUCKET: "nowhere" })).filter(
        (s) => s.location.startsWith("S3 "),
      );
      expect(await verifyAuditChain({ ctx: { db: fresh.db }, stores: missing })).toMatchObject({
        ok: true,
        unconfirmed: [
          expect.stringMatching(
            /^S3 s3:\/\/nowhere\/clearance\/checkpoints\/ at .* could not be read: .*NoSuchBucket \(HTTP 404\)/,
          ),
        ],
      });
      for (const s of stores) s.close?.();
    } finally {
      await fresh.close();
    }
  });
});
