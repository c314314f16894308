import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

/** The lint rules that keep the layers apart actually fire (eslint.config.mjs). */
describe("architecture boundaries", () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({ cwd: path.resolve(import.meta.dirname, "..") });
  });

  const restrictedImports = async (file: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: path.resolve(import.meta.dirname, "..", file) });
    return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
  };

  it.each([
    ['import { getDb } from "@/server/db/client";', "server/core is pure"],
    ['import { eq } from "drizzle-orm";', "server/core is pure"],
    ['import { readFileSync } from "node:fs";', "server/core does no I/O"],
    ['import { readFileSync } from "fs";', "server/core does no I/O"],
    ['import { redirect } from "next/navigation";', "knows nothing of the web framework"],
    ['import { recordAuditEvent } from "@/server/services/audit";', "must not depend on outer layers"],
    ['import { getDb } from "../../db/client";', "must not depend on outer layers"],
    ['import { recordAuditEvent } from "../../services/audit";', "must not depend on outer layers"],
    ['import { gzipSync } from "zlib";', "server/core does no I/O"],
    ['import { Readable } from "stream";', "server/core does no I/O"],
  ])("server/core may not `%s`", async (code, message) => {
    const messages = await restrictedImports("server/core/policy/example.ts", `${code}\nexport const x = 1;\n`);
    expect(messages.join("\n")).toContain(message);
  });

  it.each(["new Function('p', 'return p.x')", "eval('1')", "setTimeout('x()', 1)"])(
    "server/core may not generate code: `%s`",
    async (code) => {
      const [result] = await eslint.lintText(`export const f = () => ${code};\n`, {
        filePath: path.resolve(import.meta.dirname, "..", "server/core/policy/example.ts"),
      });
      expect(result!.messages.map((m) => m.ruleId)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^(no-new-func|no-eval|no-implied-eval)$/)]),
      );
    },
  );

  it("lets server/core import other core modules", async () => {
    expect(
      await restrictedImports(
        "server/core/policy/example.ts",
        'import { DomainError } from "@/server/core/errors";\nexport const x = DomainError;\n',
      ),
    ).toEqual([]);
  });

  it.each(['import { identities } from "@/server/db/schema";', 'import { identities } from "../../db/schema";'])(
    "keeps routers away from the database: `%s`",
    async (code) => {
      const messages = await restrictedImports(
        "server/api/routers/example.ts",
        `${code}\nexport const x = identities;\n`,
      );
      expect(messages.join()).toContain("Routers validate and call a service");
    },
  );

  it("keeps components and pages away from the database and services", async () => {
    expect(
      await restrictedImports(
        "components/example/list.tsx",
        'import { getDb } from "@/server/db/client";\nexport const x = getDb;\n',
      ),
    ).toHaveLength(1);
    expect(
      await restrictedImports(
        "app/(portal)/example/page.tsx",
        'import { listIdentities } from "@/server/services/identities";\nexport const x = listIdentities;\n',
      ),
    ).toHaveLength(1);
  });
});
