import { parseFallbackFile } from "./parse";
import type { FallbackPolicy } from "./types";

/**
 * Fallbacks for tests, adapted from seed 004's examples (docs/fallbacks.md uses the same).
 * Not imported by the module itself.
 */

export const analyticsReplica = `name: analytics-replica-fallback
description: Anyone in the analytics teams gets read access to the analytics replica
scope: resource
resource: postgres:role:analytics_ro
priority: 100
subjects:
  - team: { in: [data-analysts, data-scientists, business-intelligence] }
action: allow
constraints:
  duration: { max: 4h, default: 2h }
  timeframe: business-hours
  timezone: Europe/Berlin
  level: read
tags: [analytics-fallback]
`;

export const productionNamespace = `name: production-aws-fallback
description: Production access needs an explicit policy
scope: namespace
namespace: aws
priority: 50
action: deny
message: "Production access requires explicit policy. Submit a request at https://access.company.com"
`;

export const selfService = `name: self-service-request-fallback
scope: global
priority: 10
action: prompt-for-request
message: Ask for it; your manager and the resource owner decide.
request:
  durations: [1h, 4h, 8h, 24h]
  fields:
    - { key: purpose, label: Business justification, type: text, required: true }
    - key: ticket
      label: Related Jira ticket
      type: dropdown
      required: false
      options: [INC, CHG]
      maxLength: 40
  approvers:
    - { kind: manager }
    - { kind: resource_owner }
    - { kind: group, group: security }
    - { kind: person, email: ciso@company.com }
  threshold: 2
  justificationMinLength: 50
tags: [fallback-access, needs-policy-review]
`;

export const globalDeny = `name: global-fallback-deny
scope: global
action: deny
message: |
  Access denied: no policy matches your request.
  To request access, visit https://access.company.com
`;

export function fallback(source: string, file = "fallback.yaml"): FallbackPolicy {
  const { fallback: f, problems } = parseFallbackFile(file, source);
  if (!f) throw new Error(`fixture does not parse: ${JSON.stringify(problems)}`);
  return f;
}
