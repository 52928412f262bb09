/**
 * Wide Polaris data tables scroll sideways inside a container that keyboard users cannot reach (axe
 * "scrollable-region-focusable"). After each render, every such container on the page gets tabindex 0 and a
 * name, so it can be focused and scrolled with the arrow keys.
 */
import { useEffect } from "react";

export function useFocusableTables(dependency: unknown): void {
  useEffect(() => {
    document.querySelectorAll<HTMLElement>(".Polaris-DataTable__ScrollContainer").forEach((element) => {
      if (element.hasAttribute("tabindex")) return;
      element.setAttribute("tabindex", "0");
      element.setAttribute("role", "region");
      element.setAttribute("aria-label", "Table, scrollable");
    });
  }, [dependency]);
}
