"use client";

import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
  type CompletionSource,
} from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { yaml } from "@codemirror/lang-yaml";
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from "@codemirror/language";
import { lintGutter, lintKeymap, setDiagnostics } from "@codemirror/lint";
import { Compartment, EditorSelection, EditorState } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { useEffect, useImperativeHandle, useRef, type Ref } from "react";
import { toDiagnostics, type LineProblem } from "./diagnostics";
import { completeYaml, type EditorVocabulary, type YamlSchema } from "./yaml-completion";

/**
 * Typing over a selection is applied by the editor instead of the browser: Chrome, merging the selected
 * lines, puts inline style attributes on them, which the page's Content-Security-Policy refuses (and
 * reports). Keys CodeMirror binds (Backspace, Enter) and paste are its own already.
 */
const typeOverSelection = EditorView.domEventHandlers({
  beforeinput(event, view) {
    if (event.isComposing || event.inputType !== "insertText" || event.data === null) return false;
    if (view.state.selection.ranges.every((r) => r.empty)) return false;
    event.preventDefault();
    view.dispatch(view.state.replaceSelection(event.data), { userEvent: "input.type", scrollIntoView: true });
    return true;
  },
});

const noVocabulary: EditorVocabulary = { attributes: [], policies: [], resources: [], levels: {} };

/**
 * The nonce of this document's Content-Security-Policy, from the scripts it was loaded with (the
 * browser hides the attribute, not the property). After a client-side navigation the page's own
 * `nonce` prop is the one its payload's request got, while the document keeps the policy of the page
 * it was first loaded as: styles added with that prop were refused, and the editor came up unstyled.
 */
function documentNonce(): string | undefined {
  return document.querySelector<HTMLScriptElement>("script[nonce]")?.nonce || undefined;
}

export interface CodeEditorHandle {
  goToLine: (line: number) => void;
}

export interface CodeEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** the accessible name of the text area */
  label: string;
  /** id of the element that says which keys do what (Tab, Escape then Tab, Ctrl+Space) */
  describedBy: string;
  /** this response's CSP nonce, for the <style> elements CodeMirror adds */
  nonce: string | undefined;
  schema: YamlSchema;
  vocabulary: EditorVocabulary | undefined;
  /** lint findings for this file, and the text they were found in */
  problems: { text: string; problems: readonly LineProblem[] } | undefined;
  editorRef?: Ref<CodeEditorHandle>;
  /** CSS height of the editor, e.g. "28rem" */
  height?: string;
}

/**
 * A YAML code editor (CodeMirror 6): highlighting, lint findings as inline diagnostics, completion of
 * the names and values that exist, Tab indents and Escape then Tab leaves. A thin wrapper: the view
 * is made once and the React value is synced into it, so typing never re-creates it.
 */
export default function CodeEditor(props: CodeEditorProps) {
  const { value, label, describedBy, nonce, problems, editorRef, height = "28rem" } = props;
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // The label follows the file's name as it is typed (a new policy's path comes from its name:).
  const labelling = useRef(new Compartment());
  const labelAttributes = (name: string) =>
    // tabindex: the scroller's focusable content, as axe counts it (a contenteditable alone is not; WCAG 2.1.1).
    EditorView.contentAttributes.of({ "aria-label": name, "aria-describedby": describedBy, tabindex: "0" });
  // The latest props, for the view's callbacks (made once).
  const latest = useRef(props);
  useEffect(() => {
    latest.current = props;
  });

  useEffect(() => {
    const complete: CompletionSource = (context) => {
      // Until the vocabulary has loaded, field names and fixed values are still offered.
      const { schema, vocabulary = noVocabulary } = latest.current;
      const found = completeYaml(schema, vocabulary, context.state.doc.toString(), context.pos, context.explicit);
      return found && { from: found.from, options: found.options, validFor: /^[^\s,[\]{}:]*$/ };
    };
    // A document that began on a prerendered page has a policy with hashes and no nonce (proxy.ts):
    // no style the editor adds could apply. Load this page as a document of its own instead.
    if (nonce && !documentNonce()) {
      window.location.reload();
      return;
    }
    const created = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: latest.current.value,
        extensions: [
          EditorView.cspNonce.of(documentNonce() ?? nonce ?? ""),
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          lintGutter(),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          closeBrackets(),
          EditorState.tabSize.of(2),
          indentUnit.of("  "),
          yaml(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          autocompletion({ override: [complete], icons: false }),
          keymap.of([
            ...closeBracketsKeymap,
            ...completionKeymap,
            ...lintKeymap,
            ...historyKeymap,
            ...defaultKeymap,
            indentWithTab,
          ]),
          labelling.current.of(labelAttributes(label)),
          typeOverSelection,
          EditorView.updateListener.of((update) => {
            if (update.docChanged) latest.current.onChange(update.state.doc.toString());
          }),
          EditorView.theme({
            "&": { height, fontSize: "13px", backgroundColor: "white" },
            ".cm-scroller": { fontFamily: "var(--font-mono, ui-monospace, monospace)", lineHeight: "1.25rem" },
            "&.cm-focused": { outline: "none" },
            // slate-600 line numbers: at least 4.5:1 on the gutter and on the active line's tint (WCAG 1.4.3).
            ".cm-gutters": { backgroundColor: "#f8fafc", color: "#475569", borderRight: "1px solid #e2e8f0" },
            ".cm-activeLineGutter": { backgroundColor: "#e2e8f0", color: "#1e293b" },
            ".cm-tooltip": { maxWidth: "min(40rem, 90vw)", whiteSpace: "normal" },
          }),
        ],
      }),
    });
    view.current = created;
    return () => {
      created.destroy();
      view.current = null;
    };
    // The view is made once; the nonce and height of one editor do not change, the label is synced below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    view.current?.dispatch({ effects: labelling.current.reconfigure(labelAttributes(label)) });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [label]);

  // A value set from outside (another fallback opened): replace the text, keeping nothing of the old one.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value)
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  // Findings for older text stay where they were mapped to until lint catches up with the typing.
  useEffect(() => {
    const v = view.current;
    if (!v || !problems || problems.text !== v.state.doc.toString()) return;
    v.dispatch(setDiagnostics(v.state, toDiagnostics(v.state.doc, problems.problems)));
  }, [problems]);

  useImperativeHandle(editorRef, () => ({
    goToLine(line: number) {
      const v = view.current;
      if (!v) return;
      const at = v.state.doc.line(Math.min(Math.max(1, line), v.state.doc.lines)).from;
      v.dispatch({ selection: EditorSelection.cursor(at), effects: EditorView.scrollIntoView(at, { y: "center" }) });
      v.focus();
    },
  }));

  return (
    <div
      ref={host}
      className="overflow-hidden rounded-md border border-slate-300 focus-within:ring-2 focus-within:ring-brand-500"
    />
  );
}
