import type { Db } from "@/server/db/client";
import { actorForIdentity } from "@/server/services/sessions";
import { submitRequest } from "@/server/services/requests/submit";

/**
 * The 4,995 pending requests, made through the app's own submitRequest so the approvers, stages,
 * assessments, messages, notifications and audit events are what the app would have written:
 * 514 for the finance-reports group (the CFO decides) and 4,481 for the AWS sandbox (the
 * requester's manager decides; most of them wait for the 16 leads of fixture-people.ts).
 * This is the slow part of the fixture, so a few workers submit in parallel.
 */

export const CFO_REQUESTS = 514;
export const SANDBOX_REQUESTS = 4_481;
const WORKERS = 4;
const WEEK = 7 * 24 * 60;

interface Plan {
  templateKey: string;
  want: number;
  candidates: string[];
  input: (now: Date) => Record<string, unknown>;
}

export interface RequestsMade {
  made: Record<string, number>;
  refused: Record<string, number>;
  sample: string[];
}

export async function submitRequests(
  db: Db,
  plans: { cfo: string[]; sandbox: string[] },
  clock: () => Date,
  progress: (line: string) => void,
): Promise<RequestsMade> {
  const all: Plan[] = [
    {
      templateKey: "finance-reports",
      want: CFO_REQUESTS,
      candidates: plans.cfo,
      input: () => ({
        durationMinutes: 2 * WEEK,
        justification: "Cross-functional pricing project needs the commission reports",
        requestedStart: null,
        fields: { project: "Pricing 2027" },
        ticketReference: null,
      }),
    },
    {
      templateKey: "sandbox-training",
      want: SANDBOX_REQUESTS,
      candidates: plans.sandbox,
      input: (now) => ({
        durationMinutes: 4 * WEEK,
        justification: "Preparing for the AWS Developer certification this quarter",
        requestedStart: new Date(now.getTime() + 86_400_000),
        fields: { training_program: "AWS Developer" },
        ticketReference: null,
      }),
    },
  ];
  const result: RequestsMade = { made: {}, refused: {}, sample: [] };
  for (const plan of all) {
    let next = 0;
    let made = 0;
    let refused = 0;
    let inFlight = 0;
    let lastReport = Date.now();
    const worker = async () => {
      // A worker takes a slot before it submits, so the workers together never make more than wanted.
      while (made + inFlight < plan.want && next < plan.candidates.length) {
        const identityId = plan.candidates[next++]!;
        inFlight++;
        try {
          const actor = await actorForIdentity(db, identityId);
          if (!actor) throw new Error("not an active person");
          await submitRequest({
            ctx: { db, actor, clock, request: { ip: "127.0.0.1", userAgent: "load-bench fixture" } },
            input: { templateKey: plan.templateKey, ...plan.input(clock()) } as Parameters<
              typeof submitRequest
            >[0]["input"],
          });
          made++;
        } catch (err) {
          refused++;
          if (result.sample.length < 5) result.sample.push(`${plan.templateKey}: ${(err as Error).message}`);
        } finally {
          inFlight--;
        }
        if (Date.now() - lastReport > 10_000) {
          lastReport = Date.now();
          progress(`${plan.templateKey}: ${made} of ${plan.want} submitted`);
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    result.made[plan.templateKey] = made;
    result.refused[plan.templateKey] = refused;
    if (made < plan.want) {
      throw new Error(
        `only ${made} of ${plan.want} ${plan.templateKey} requests could be submitted (${refused} refused; e.g. ${result.sample.join(" | ")})`,
      );
    }
  }
  return result;
}
