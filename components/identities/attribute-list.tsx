import Link from "next/link";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import {
  hrAttributeLabels,
  hrAttributes,
  isListAttribute,
  type AttributeValue,
  type HrAttribute,
} from "@/server/core/identity/attributes";
import { isActiveStatus } from "@/server/core/identity/status";
import { formatAttribute } from "./attribute-format";

/** A person's HR attributes as a definition list; with `provenance`, who set each and when. */
export function AttributeList({
  attributes,
  manager,
  managerHref,
  provenance,
}: {
  attributes: Record<HrAttribute, AttributeValue>;
  manager: { displayName: string; email: string } | null;
  managerHref?: string;
  /** per attribute, already worded: "Set by SCIM · okta, 3 Dec 2026, 14:02" */
  provenance?: Partial<Record<HrAttribute, string>>;
}) {
  const render = (key: HrAttribute): ReactNode => {
    const value = attributes[key];
    if (key === "manager") {
      if (!manager) return "—";
      return managerHref ? (
        <Link className="text-brand-700 hover:underline" href={managerHref}>
          {manager.displayName}
        </Link>
      ) : (
        <>
          {manager.displayName} <span className="text-slate-500">({manager.email})</span>
        </>
      );
    }
    if (key === "employment_status") {
      return <Badge tone={isActiveStatus(String(value)) ? "green" : "red"}>{formatAttribute(value)}</Badge>;
    }
    if (isListAttribute(key) && Array.isArray(value)) {
      return value.length ? (
        <span className="flex flex-wrap gap-1">
          {value.map((t) => (
            <Badge key={t}>{t}</Badge>
          ))}
        </span>
      ) : (
        <span className="text-slate-500">none recorded</span>
      );
    }
    return formatAttribute(value);
  };
  return (
    <dl className="grid grid-cols-1 gap-x-8 gap-y-3 sm:grid-cols-2">
      {hrAttributes.map((key) => (
        <div key={key} className="flex flex-col" data-attribute={key}>
          <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">{hrAttributeLabels[key]}</dt>
          <dd className="mt-0.5 text-sm text-slate-900">{render(key)}</dd>
          {provenance?.[key] && <dd className="text-xs text-slate-600">{provenance[key]}</dd>}
        </div>
      ))}
    </dl>
  );
}
