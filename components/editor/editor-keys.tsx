/** The keys of the code editor, shown under it and read out with it (aria-describedby). */
export function EditorKeys({ id }: { id: string }) {
  return (
    <p id={id} className="mt-1 text-xs text-slate-600">
      <kbd>Tab</kbd> indents; <kbd>Esc</kbd> then <kbd>Tab</kbd> leaves the editor. <kbd>Ctrl</kbd>+<kbd>Space</kbd>{" "}
      suggests names and values; <kbd>F8</kbd> goes to the next problem.
    </p>
  );
}
