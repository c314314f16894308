import { controlsDocument } from "@/server/core/reports/controls";
import { DomainError } from "@/server/core/errors";
import type { ReportFilters, ReportKind } from "@/server/core/reports/filters";
import { recordAuditEvent } from "../audit";
import { describeCheckpoints, verifyAuditChain } from "../audit-log";
import type { ServiceContext } from "../context";
import { evidenceCsvFiles } from "./evidence-contents";
import { reportChunks, reportPdf } from "./export";
import { reportSource } from "./sources";
import { zipStream, type ZipEntry } from "./zip";

const utf8 = (text: string) => new TextEncoder().encode(text);

/** A report as CSV, read when the archive reaches it. */
const csvOf = (ctx: ServiceContext, kind: ReportKind, filters: ReportFilters) => () =>
  reportChunks(reportSource(ctx.db, kind, filters), "csv");

/**
 * One download per period (issue 6): every report for the period as CSV (the exception log also
 * as PDF), access at its start and end, the audit-chain verification, and CONTROLS.md saying
 * which file evidences which control. The download is recorded in the audit trail.
 */
export async function evidencePack({ ctx, input }: { ctx: ServiceContext; input: { from: string; to: string } }) {
  if (input.to < input.from)
    throw new DomainError("INVALID_INPUT", "The period ends before it starts", { field: "to" });
  const now = ctx.clock();
  const period = { from: input.from, to: input.to };
  const chain = await verifyAuditChain({ ctx });
  const checkpoints = chain.checkpoints.length ? `; agrees with ${describeCheckpoints(chain.checkpoints)}` : "";
  const unconfirmed = chain.unconfirmed.map((reason) => `; NOT CONFIRMED: ${reason}`).join("");
  const unlinked = chain.unchained.count
    ? `; ${chain.unchained.count} newer events not linked yet, the oldest from ${chain.unchained.oldestAt}`
    : "";
  const chainText = chain.ok
    ? `verified: ${chain.checked} events, every link holds under the audit keys${checkpoints}${unconfirmed}${unlinked} (checked ${now.toISOString()})`
    : `BROKEN${chain.brokenAt === null ? "" : ` at event #${chain.brokenAt}`}: ${chain.problem} (${chain.checked} events before it verified; checked ${now.toISOString()})`;
  const logPdf = await reportPdf(reportSource(ctx.db, "exceptions", period), "exceptions", period, now);
  const entries: ZipEntry[] = [
    { name: "CONTROLS.md", data: utf8(controlsDocument(period, chainText)) },
    { name: "audit-chain.txt", data: utf8(`${chainText}\n`) },
    ...evidenceCsvFiles(period, now).flatMap((f): ZipEntry[] => {
      const csv = { name: f.name, data: csvOf(ctx, f.kind, f.filters) };
      return f.name === "exception-log.csv" && logPdf ? [csv, { name: "exception-log.pdf", data: logPdf }] : [csv];
    }),
  ];
  await ctx.db.transaction((tx) =>
    recordAuditEvent(tx, ctx, {
      action: "evidence_pack.exported",
      subjectType: "report",
      subjectId: "evidence-pack",
      after: { period, files: entries.map((e) => e.name), chain: chain.ok ? "verified" : "broken" },
    }),
  );
  // The CSV files stream from the database as the download is read.
  return { filename: `clearance-evidence-${input.from}-to-${input.to}.zip`, stream: zipStream(entries, now) };
}
