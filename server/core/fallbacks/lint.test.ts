import { describe, expect, it } from "vitest";
import { analyticsReplica, fallback, globalDeny, productionNamespace, selfService } from "./fixtures";
import { lintFallbacks, type FallbackLintContext } from "./lint";

const ctx: FallbackLintContext = {
  systems: { aws: ["read", "write", "admin"], postgres: ["read", "write"], gitlab: ["guest", "reporter"] },
  resources: new Set(["postgres:role:analytics_ro", "aws:role:admin", "aws:role:readonly", "gitlab:group:x"]),
};
const summary = (problems: ReturnType<typeof lintFallbacks>) =>
  problems.map((p) => [p.code, p.severity, p.file, p.line, p.field, p.policy]);

describe("linting fallbacks", () => {
  it("finds nothing wrong with a sound set", () => {
    const set = [
      fallback(analyticsReplica, "a.yaml"),
      fallback(productionNamespace, "b.yaml"),
      fallback(selfService, "c.yaml"),
      fallback(globalDeny, "d.yaml"),
    ];
    expect(lintFallbacks(set, ctx)).toEqual([]);
  });

  it("finds two fallbacks with one name", () => {
    const problems = lintFallbacks(
      [
        fallback(productionNamespace, "one.yaml"),
        fallback(productionNamespace.replace("priority: 50", "priority: 7"), "two.yaml"),
      ],
      ctx,
    );
    expect(summary(problems)).toEqual([["duplicate-name", "error", "two.yaml", 1, "name", "production-aws-fallback"]]);
    expect(problems[0]!.message).toBe("another fallback is already named production-aws-fallback (one.yaml:1)");
  });

  it("finds unknown systems, resources and levels, at their lines", () => {
    const problems = lintFallbacks(
      [
        fallback("name: s3\nscope: namespace\nnamespace: s3:bucket\naction: deny\nmessage: no\n", "s3.yaml"),
        fallback(
          "name: replica\nscope: resource\nresource: postgres:role:nope\naction: deny\nmessage: no\n",
          "replica.yaml",
        ),
        fallback(analyticsReplica.replace("level: read", "level: reporter"), "analytics.yaml"),
        fallback(
          "name: g\nscope: global\naction: allow\nconstraints:\n  duration: { max: 1h }\n  level: superuser\n",
          "g.yaml",
        ),
        fallback("name: empty\nscope: namespace\nnamespace: aws:user\naction: deny\nmessage: no\n", "empty.yaml"),
      ],
      ctx,
    );
    expect(summary(problems)).toEqual([
      ["unknown-level", "error", "analytics.yaml", 13, "constraints.level", "analytics-replica-fallback"],
      ["empty-namespace", "warning", "empty.yaml", 3, "namespace", "empty"],
      ["unknown-level", "error", "g.yaml", 6, "constraints.level", "g"],
      ["unknown-resource", "error", "replica.yaml", 3, "resource", "replica"],
      ["unknown-system", "error", "s3.yaml", 3, "namespace", "s3"],
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      'postgres has no level "reporter" (levels: read < write)',
      "no resource is under aws:user (yet): this fallback applies to nothing",
      'no system has a level "superuser"',
      "postgres:role:nope is not a resource of postgres",
      "no system is called s3 (known: aws, gitlab, postgres)",
    ]);
  });

  it("finds two fallbacks whose order only their names decide", () => {
    const a = fallback(
      "name: aws-a\nscope: namespace\nnamespace: aws\npriority: 5\naction: deny\nmessage: a\n",
      "a.yaml",
    );
    const b = fallback(
      "name: aws-b\nscope: namespace\nnamespace: aws\npriority: 5\naction: deny\nmessage: b\n",
      "b.yaml",
    );
    const otherPriority = fallback(
      "name: aws-c\nscope: namespace\nnamespace: aws\npriority: 6\naction: deny\nmessage: c\n",
      "c.yaml",
    );
    const otherTarget = fallback(
      "name: aws-d\nscope: namespace\nnamespace: aws:role\npriority: 5\naction: deny\nmessage: d\n",
      "d.yaml",
    );
    const problems = lintFallbacks([b, a, otherPriority, otherTarget], ctx);
    expect(summary(problems)).toEqual([["ambiguous-order", "warning", "b.yaml", 1, "name", "aws-b"]]);
    expect(problems[0]!.message).toBe(
      "aws-a and aws-b are namespace fallbacks for aws at priority 5: when more than one " +
        "applies, only name order decides (aws-a first); give them different priorities",
    );
    const globals = lintFallbacks(
      [
        fallback(globalDeny, "g1.yaml"),
        fallback(globalDeny.replace("global-fallback-deny", "global-other"), "g2.yaml"),
      ],
      ctx,
    );
    expect(summary(globals)).toEqual([["ambiguous-order", "warning", "g2.yaml", 1, "name", "global-other"]]);
  });
});
