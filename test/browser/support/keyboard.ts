/**
 * Moving through a page with the keyboard alone, as a person who uses no mouse does: Tab until
 * the wanted control has focus (never clicking it), and what has focus now.
 */
import type { Page } from 'playwright-core';

/** The accessible name (label text or text content) of the focused element. */
export async function focusedName(page: Page): Promise<string> {
  const name: unknown = await page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el) return '';
    const labelled = el.id ? document.querySelector('label[for="' + CSS.escape(el.id) + '"]') : null;
    return ((labelled ? labelled.textContent : el.getAttribute('aria-label') || el.textContent) || '').trim();
  })()`);
  return typeof name === 'string' ? name : '';
}

/** Presses Tab until the focused element's name starts with `name`; fails after 40 presses. */
export async function tabTo(page: Page, name: string): Promise<void> {
  const seen: string[] = [];
  for (let presses = 0; presses < 40; presses++) {
    await page.keyboard.press('Tab');
    const focused = await focusedName(page);
    if (focused.startsWith(name)) return;
    seen.push(focused);
  }
  throw new Error(`Tab never reached "${name}"; it went through: ${seen.join(' | ')}`);
}
