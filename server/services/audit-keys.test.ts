import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkAuditKeySettings,
  ensureDevAuditKeyFile,
  hmacSha256,
  linkHashing,
  loadAuditKeyring,
  parseAuditKeys,
} from "./audit-keys";

const secret = (fill: number) => Buffer.alloc(32, fill).toString("base64");

describe("the audit keyring", () => {
  it("reads id:secret entries, by comma or line, with comments; the first signs and every one verifies", () => {
    const ring = parseAuditKeys(`# rotated 2026-11\nk2:${secret(2)}\n\nk1:${secret(1).replace(/=+$/, "")}`, "file");
    expect(ring.current.id).toBe("k2");
    expect([...ring.byId.keys()]).toEqual(["k2", "k1"]);
    expect(parseAuditKeys(`k2:${secret(2)},k1:${secret(1)}`, "env").byId.get("k1")!.secret).toEqual(
      Buffer.alloc(32, 1),
    );
    const hashing = linkHashing(ring);
    expect(hashing.verifyMac("k1", "text", hmacSha256(ring.byId.get("k1")!, "text"))).toBe(true);
    expect(hashing.verifyMac("k2", "text", hmacSha256(ring.byId.get("k1")!, "text"))).toBe(false);
    expect(hashing.verifyMac("k3", "text", "00")).toBe("unknown-key");
  });

  it.each([
    ["", /holds no audit key/],
    [`k1${secret(1)}`, /is not "id:secret"/],
    [`k 1:${secret(1)}`, /is not "id:secret"/],
    [`k1:${secret(1)},k1:${secret(2)}`, /audit key id "k1" is listed twice/],
    ["k1:not base64!", /the secret of audit key "k1" is not base64/],
    ["k1:c2hvcnQ=", /the secret of audit key "k1" is 5 bytes; it needs at least 32 random bytes/],
  ])("refuses %j with one line saying why", (text, message) => {
    expect(() => parseAuditKeys(text, "CLEARANCE_AUDIT_KEYS")).toThrow(message);
  });

  it("comes from CLEARANCE_AUDIT_KEYS, else CLEARANCE_AUDIT_KEY_FILE, else (only for the project's own database) the development key", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "clearance-keys-"));
    const file = path.join(dir, "keys");
    writeFileSync(file, `from-file:${secret(3)}\n`);
    expect(
      loadAuditKeyring({ CLEARANCE_AUDIT_KEYS: `from-env:${secret(4)}`, CLEARANCE_AUDIT_KEY_FILE: file }).current.id,
    ).toBe("from-env");
    expect(loadAuditKeyring({ CLEARANCE_AUDIT_KEY_FILE: file, DATABASE_URL: "postgres://x" }).current.id).toBe(
      "from-file",
    );
    expect(() => loadAuditKeyring({ CLEARANCE_AUDIT_KEY_FILE: path.join(dir, "missing") })).toThrow(
      /CLEARANCE_AUDIT_KEY_FILE .*missing cannot be read: ENOENT/,
    );
    expect(() => loadAuditKeyring({ DATABASE_URL: "postgres://x" })).toThrow(
      /^no audit key: set CLEARANCE_AUDIT_KEYS or CLEARANCE_AUDIT_KEY_FILE/,
    );

    const dataDir = path.join(dir, "data");
    const dev = loadAuditKeyring({ CLEARANCE_DATA_DIR: dataDir });
    expect(dev.current.id).toBe("dev-1");
    expect(dev.source).toBe(path.join(dataDir, "audit-keys"));
    expect(statSync(dev.source).mode & 0o077).toBe(0);
    const again = loadAuditKeyring({ CLEARANCE_DATA_DIR: dataDir });
    expect(again.current.secret).toEqual(dev.current.secret);
  });

  it("generates the development key once, as AUTH_SECRET is", () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "clearance-dev-")), "data");
    const file = ensureDevAuditKeyFile(dataDir);
    const text = readFileSync(file, "utf8");
    expect(ensureDevAuditKeyFile(dataDir)).toBe(file);
    expect(readFileSync(file, "utf8")).toBe(text);
    expect(existsSync(file)).toBe(true);
  });

  it("stops a production start without a key set explicitly, even when a development key exists", () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "clearance-start-")), "data");
    ensureDevAuditKeyFile(dataDir);
    expect(() => checkAuditKeySettings({ CLEARANCE_DATA_DIR: dataDir }, "start")).toThrow(
      /^CLEARANCE_AUDIT_KEYS is not set: a production start needs an audit key/,
    );
    expect(() => checkAuditKeySettings({ CLEARANCE_DATA_DIR: dataDir }, "dev")).not.toThrow();
    expect(() => checkAuditKeySettings({ CLEARANCE_AUDIT_KEYS: `k1:${secret(1)}` }, "start")).not.toThrow();
  });
});
