/**
 * Lengths that the app's forms (their routers) and configuration files (core/config/schemas.ts)
 * both hold, so that an item one of them accepts the other accepts too.
 */
export const textLimits = {
  systemKey: 40,
  systemName: 100,
  systemDescription: 500,
  accessLevel: 40,
  accessLevels: 20,
  /** a request template's or approver group's key */
  templateKey: 60,
  templateName: 120,
  templateDescription: 1000,
  groupName: 120,
  groupDescription: 500,
  groupMembers: 200,
} as const;
