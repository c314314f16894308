"use client";

import { useState } from "react";
import { Button } from "./button";
import { cn } from "./cn";

/** A CSV chosen as a file or pasted: the file wins while it is chosen. */
export interface CsvSourceValue {
  file: { name: string; text: string } | null;
  pasted: string;
}

export const emptyCsvSource: CsvSourceValue = { file: null, pasted: "" };
export const csvTextOf = (v: CsvSourceValue) => v.file?.text ?? v.pasted;
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** "Choose a CSV file" or "Or paste CSV", with a size limit checked before the file is read. */
export function CsvSource({
  id,
  value,
  onChange,
  maxBytes,
  tooLargeHint,
  placeholder,
  rows,
  fieldClassName,
  describeFile,
}: {
  id: string;
  value: CsvSourceValue;
  onChange: (value: CsvSourceValue) => void;
  maxBytes: number;
  /** what follows "<file> is N MB; ", e.g. "an import takes at most 5.0 MB. Split the file." */
  tooLargeHint: (limit: string) => string;
  placeholder: string;
  rows: number;
  fieldClassName: string;
  describeFile: (file: { name: string; text: string }) => string;
}) {
  const [fileError, setFileError] = useState<string | null>(null);
  const choose = async (picked: File | undefined) => {
    setFileError(null);
    if (!picked) return;
    if (picked.size > maxBytes) {
      setFileError(`${picked.name} is ${megabytes(picked.size)}; ${tooLargeHint(megabytes(maxBytes))}`);
      return;
    }
    onChange({ ...value, file: { name: picked.name, text: await picked.text() } });
  };
  return (
    <>
      <div>
        <label htmlFor={`${id}-file`} className="text-sm font-medium text-slate-800">
          Choose a CSV file
        </label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".csv,text/csv"
          className={cn(
            "mt-1 block text-sm",
            "file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2",
            "file:text-sm file:font-medium hover:file:bg-slate-200",
          )}
          onChange={(e) => {
            void choose(e.target.files?.[0]);
            e.target.value = "";
          }}
        />
        {fileError && (
          <p role="alert" className="mt-1 text-sm text-red-700">
            {fileError}
          </p>
        )}
      </div>
      {value.file ? (
        <div className="flex flex-wrap items-center gap-3 rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm">
          <span>
            <b>{value.file.name}</b> · {describeFile(value.file)}
          </span>
          <Button variant="ghost" className="text-xs" onClick={() => onChange({ ...value, file: null })}>
            Remove file
          </Button>
        </div>
      ) : (
        <div>
          <label htmlFor={`${id}-text`} className="text-sm font-medium text-slate-800">
            Or paste CSV
          </label>
          <textarea
            id={`${id}-text`}
            value={value.pasted}
            onChange={(e) => onChange({ ...value, pasted: e.target.value })}
            rows={rows}
            spellCheck={false}
            placeholder={placeholder}
            className={fieldClassName}
          />
        </div>
      )}
    </>
  );
}
