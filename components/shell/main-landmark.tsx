"use client";

import { createContext, useContext, type ComponentProps } from "react";

const InsideMain = createContext(false);

/** The portal shell's one `<main>`; what renders inside it knows not to open another. */
export function MainLandmark({ children, ...props }: ComponentProps<"main">) {
  return (
    <main {...props}>
      <InsideMain.Provider value={true}>{children}</InsideMain.Provider>
    </main>
  );
}

/**
 * The body of the 403, 404 and error pages: a `<main>` when they stand alone (a wrong address at the root),
 * a plain `<div>` inside the portal shell, whose own `<main>` it would otherwise be nested in (axe
 * landmark-no-duplicate-main, landmark-main-is-top-level).
 */
export function StandaloneMain(props: ComponentProps<"div">) {
  const Tag = useContext(InsideMain) ? "div" : "main";
  return <Tag {...props} />;
}
