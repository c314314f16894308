"use client";

import { useEffect, useRef, useState } from "react";

/**
 * A search box that reports what was typed a moment after the last keystroke. With
 * `slashToFocus`, pressing "/" anywhere on the page (outside a field) focuses it.
 */
export function SearchInput({
  id,
  label,
  value,
  onSearch,
  placeholder,
  slashToFocus = false,
}: {
  id: string;
  label: string;
  value: string | undefined;
  onSearch: (term: string | undefined) => void;
  placeholder?: string;
  slashToFocus?: boolean;
}) {
  const [text, setText] = useState(value ?? "");
  const box = useRef<HTMLInputElement>(null);
  const reported = useRef(value);

  // Follow outside changes (clear filters, back/forward) without fighting the person typing.
  useEffect(() => {
    if (value !== reported.current) {
      reported.current = value;
      setText(value ?? "");
    }
  }, [value]);

  useEffect(() => {
    const term = text.trim() || undefined;
    if (term === reported.current) return;
    const timer = setTimeout(() => {
      reported.current = term;
      onSearch(term);
    }, 250);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only the typed text should trigger a search
  }, [text]);

  useEffect(() => {
    if (!slashToFocus) return;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.key === "/" && !["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName) && !target.isContentEditable) {
        e.preventDefault();
        box.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [slashToFocus]);

  return (
    <div className="min-w-64 flex-1">
      <label htmlFor={id} className="text-xs font-medium text-slate-600">
        {label}
        {slashToFocus && <kbd className="ml-1 rounded border border-slate-200 px-1 text-[10px] text-slate-500">/</kbd>}
      </label>
      <input
        id={id}
        ref={box}
        type="search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={placeholder}
        className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
      />
    </div>
  );
}
