/**
 * Text exactly as it was sent or received (a raw body, a target's answer), preformatted and left
 * to right in every language. It scrolls when long, so it is a named region that takes keyboard
 * focus: keyboard users can scroll it too.
 */
export function RawText({ label, text }: { label: string; text: string }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls takes focus so keyboard users can scroll it (axe: scrollable-region-focusable)
    <pre className="raw-text" dir="ltr" role="region" aria-label={label} tabIndex={0}>
      {text}
    </pre>
  );
}
