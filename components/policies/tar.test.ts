import { spawnSync } from "node:child_process";
import { unpackTar } from "modern-tar";
import { describe, expect, it } from "vitest";
import { tarArchive } from "./tar";

const longPath = (length: number, ending: string) => {
  const dirs = "teams/finance-and-accounting/accounts-payable/regional-operations/emea/";
  const stem = "x".repeat(length - dirs.length - ending.length);
  return `${dirs}${stem}${ending}`;
};

describe("the policy set as a tar archive", () => {
  const files = [
    { path: "base.yaml", source: "policy: base\n" },
    { path: longPath(150, ".yaml"), source: "policy: long\nwho: finance\n" },
    // No slash to split on: only a PAX header can carry this name.
    { path: `${"n".repeat(145)}.yaml`, source: "policy: flat\n" },
    { path: "unicode/zoë-ødegård.yaml", source: "owner: Zoë Ødegård\n" },
  ];

  it("keeps a 150-character path whole, as the system tar reads it", async () => {
    expect(files[1]!.path).toHaveLength(150);
    const archive = await tarArchive(files);
    const listed = spawnSync("tar", ["-tf", "-"], { input: archive, encoding: "utf8" });
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout.split("\n").filter(Boolean)).toEqual(files.map((f) => f.path));
  });

  it("reads back every file with its full path and contents", async () => {
    const mtime = new Date("2026-03-04T05:06:07Z");
    const entries = await unpackTar(await tarArchive(files, mtime));
    expect(
      entries.map((e) => ({ path: e.header.name, source: new TextDecoder().decode(e.data), mtime: e.header.mtime })),
    ).toEqual(files.map((f) => ({ ...f, mtime })));
  });

  it("extracts with the system tar to files ending in .yaml", async () => {
    const archive = await tarArchive(files);
    const contents = spawnSync("tar", ["-xOf", "-", files[1]!.path], { input: archive, encoding: "utf8" });
    expect(contents.status, contents.stderr).toBe(0);
    expect(contents.stdout).toBe(files[1]!.source);
  });
});
