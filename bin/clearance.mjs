#!/usr/bin/env node
// The `clearance` command (docs/cli.md). `npx clearance` runs this file: it registers tsx's
// TypeScript loader in this process, with the repository's tsconfig whatever the working
// directory, then runs the CLI in server/cli.ts, which sets the exit code.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
await import("../server/cli.ts");
