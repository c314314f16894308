"use client";

import { formatDay, formatWhen } from "@/server/core/time/format";
import { useTimeZone } from "./time-zone";

type Moment = Date | string | null | undefined;

/** A moment in the viewer's zone, the zone named: for cells defined outside a component (table columns). */
export function When({ at, seconds = false }: { at: Moment; seconds?: boolean }) {
  return <>{formatWhen(at, useTimeZone(), { seconds })}</>;
}

/** The calendar day a moment falls on in the viewer's zone. */
export function Day({ at }: { at: Moment }) {
  return <>{formatDay(at, useTimeZone())}</>;
}
