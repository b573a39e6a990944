/**
 * Puts `text` into a field at once, as pasting does (at the caret: the field is clicked first,
 * so an empty field ends up holding exactly `text`). For values whose keystrokes are not under
 * test: typing letter by letter re-renders a large form once per key, which costs jsdom far
 * more than it proves (docs/testing.md).
 */
import type { UserEvent } from '@testing-library/user-event';

export async function fill(user: UserEvent, control: HTMLElement, text: string): Promise<void> {
  await user.click(control);
  await user.paste(text);
}
