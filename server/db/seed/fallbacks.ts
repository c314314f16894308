/** The demo organization's fallback policies (docs/fallbacks.md), as IT would write them. */
export const seedFallbacks: string[] = [
  `name: global-fallback-deny
description: What nobody's policy gives, and no narrower fallback decides
scope: global
priority: 10
action: deny
message: |
  Access denied: no policy gives you this.
  Ask for it from Request access with a business justification; your manager decides.
  For urgent access, contact security@company.com.
`,
  `name: production-postgres-deny
description: Production databases need an explicit policy
scope: namespace
namespace: postgres
priority: 50
action: deny
message: Production database access requires an explicit policy. Ask your manager to propose one.
`,
  `name: aws-request-fallback
description: Other AWS roles and accounts go to the manager for approval
scope: namespace
namespace: aws
priority: 20
action: prompt-for-request
message: AWS access outside your role needs your manager's approval.
request:
  durations: [1h, 4h, 8h, 24h]
  fields:
    - { key: purpose, label: Purpose, type: text, required: true }
  approvers:
    - { kind: manager }
  justificationMinLength: 30
`,
  `name: sandbox-engineering-fallback
description: Engineers may use the AWS sandbox for a few hours during the working day
scope: resource
resource: aws:account:sandbox
subjects:
  - department: Engineering
action: allow
constraints:
  duration: { max: 8h, default: 4h }
  timeframe: business-hours
tags: [fallback-access, needs-policy-review]
`,
];
