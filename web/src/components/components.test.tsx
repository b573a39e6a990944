// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error.js';
import { renderUi } from '../test-support/render.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { CopyButton } from './copy-button.js';
import { DataTable } from './data-table.js';
import { FilterBar } from './filter-bar.js';
import { DateTime, Money } from './formatted.js';
import { ErrorDisplay } from './error-display.js';
import { TextField } from './form-field.js';
import { Pager } from './pager.js';
import { DeliveryStatusBadge, VerdictBadge } from './status-badge.js';
import { usePagedQuery } from './use-paged-query.js';

function DialogHarness({ onConfirm }: { onConfirm(): void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Open
      </button>
      <ConfirmDialog
        open={open}
        title="Delete Shop?"
        confirmLabel="Delete"
        danger
        onCancel={() => setOpen(false)}
        onConfirm={onConfirm}
      >
        <p>It cannot be undone.</p>
      </ConfirmDialog>
    </>
  );
}

describe('ConfirmDialog', () => {
  it('starts on Cancel, keeps Tab inside, cancels on Escape and gives focus back', async () => {
    const user = userEvent.setup();
    let confirmed = 0;
    await renderUi(<DialogHarness onConfirm={() => (confirmed += 1)} />);
    const opener = screen.getByRole('button', { name: 'Open' });
    await user.click(opener);
    const dialog = screen.getByRole('alertdialog', { name: 'Delete Shop?' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(screen.getByRole('alertdialog', { description: 'It cannot be undone.' })).toBe(dialog);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }));
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Delete' }));
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
    await user.click(opener);
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    expect(confirmed).toBe(1);
  });
});

describe('ErrorDisplay', () => {
  it('explains a server code in the user’s language, with the code and the server’s message', async () => {
    await renderUi(
      <ErrorDisplay
        error={new ApiError(400, 'INVALID_CONFIG', 'passphrase: is required (text)')}
      />,
      { language: 'de' },
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Einstellungen ungültig');
    expect(alert.textContent).toContain('INVALID_CONFIG');
    expect(alert.textContent).toContain('passphrase: is required (text)');
  });

  it('explains a failed connection and a rate limit with its wait', async () => {
    await renderUi(
      <>
        <ErrorDisplay error={new ApiError(0, 'NETWORK_ERROR', 'fetch failed')} />
        <ErrorDisplay error={new ApiError(429, 'RATE_LIMITED', 'Too many requests.', 30)} />
      </>,
      { language: 'it' },
    );
    const [network, limited] = screen.getAllByRole('alert');
    expect(network?.textContent).toContain('ipnhub non è raggiungibile');
    expect(limited?.textContent).toContain('Riprova tra 30 secondi.');
  });

  it('still shows the message of a code this page does not know', async () => {
    await renderUi(
      <ErrorDisplay error={new ApiError(403, 'SOMETHING_NEW', 'A newer server said no.')} />,
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Something went wrong');
    expect(alert.textContent).toContain('SOMETHING_NEW');
    expect(alert.textContent).toContain('A newer server said no.');
  });
});

describe('CopyButton', () => {
  it('copies and says so; without a clipboard it says to copy by hand', async () => {
    const user = userEvent.setup();
    await renderUi(<CopyButton text="https://hub.example.com/ipn/src_1" label="Inbound URL" />);
    // jsdom has no clipboard of its own: first the browser without one.
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    await user.click(screen.getByRole('button', { name: 'Copy Inbound URL' }));
    expect(screen.getByRole('status').textContent).toContain('Could not copy');
    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: async (text: string) => void copied.push(text) },
      configurable: true,
    });
    await user.click(screen.getByRole('button', { name: 'Copy Inbound URL' }));
    expect(copied).toEqual(['https://hub.example.com/ipn/src_1']);
    expect(screen.getByRole('status').textContent).toBe('Copied.');
  });
});

describe('form fields', () => {
  it('label the control and tie help and error to it', async () => {
    await renderUi(
      <TextField
        label="Name"
        help="For you."
        error="Please fill in this field."
        required
        value=""
        onChange={() => undefined}
      />,
    );
    const input = screen.getByLabelText(/Name/);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('required')).not.toBeNull();
    const describedBy = (input.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent);
    expect(describedBy).toEqual(['For you.', 'Please fill in this field.']);
  });
});

describe('status badges', () => {
  it('write the state in words', async () => {
    await renderUi(
      <>
        <VerdictBadge verdict="held" count="3" />
        <DeliveryStatusBadge status="dead" />
      </>,
      { language: 'he' },
    );
    expect(screen.getByText('מוחזקת לבדיקה').className).toBe('badge badge-warning');
    expect(screen.getByText('3')).toBeTruthy();
    expect(screen.getByText('ננטשה').className).toBe('badge badge-danger');
  });
});

interface Row {
  id: string;
  verdict: string;
}

const ALL: Row[] = Array.from({ length: 5 }, (_, i) => ({
  id: `r${5 - i}`,
  verdict: i % 2 === 0 ? 'accepted' : 'rejected',
}));
const fetched: string[] = [];

/** Pages of two rows, newest first, the cursor being the last id of a page — as the API pages. */
async function fetchPage(verdict: string, cursor: string | undefined) {
  fetched.push(`${verdict}:${cursor ?? '-'}`);
  const rows = ALL.filter((row) => verdict === 'all' || row.verdict === verdict);
  const start = cursor === undefined ? 0 : rows.findIndex((row) => row.id === cursor) + 1;
  const data = rows.slice(start, start + 2);
  return { data, nextCursor: start + 2 < rows.length ? (data.at(-1)?.id ?? null) : null };
}

function PagedList() {
  const [verdict, setVerdict] = useState('all');
  const { query, paging } = usePagedQuery({
    queryKey: ['rows', { verdict }],
    fetchPage: (cursor) => fetchPage(verdict, cursor),
  });
  return (
    <>
      <button type="button" onClick={() => setVerdict('accepted')}>
        Only accepted
      </button>
      <DataTable
        caption="Rows"
        columns={[{ key: 'id', header: 'Id', cell: (row: Row) => row.id }]}
        rows={query.data?.data ?? []}
        rowKey={(row) => row.id}
        empty={<p>Nothing</p>}
      />
      <Pager paging={paging} />
    </>
  );
}

describe('paged tables', () => {
  const ids = (): string[] =>
    screen
      .getAllByRole('row')
      .slice(1)
      .map((row) => row.textContent ?? '');

  it('follow the server’s cursors older and back newer, and start again when the filters change', async () => {
    const user = userEvent.setup();
    await renderUi(<PagedList />);
    await waitFor(() => expect(ids()).toEqual(['r5', 'r4']));
    expect(screen.getByRole('table', { name: 'Rows' })).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Newer' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    await user.click(screen.getByRole('button', { name: 'Older' }));
    await waitFor(() => expect(ids()).toEqual(['r3', 'r2']));
    await user.click(screen.getByRole('button', { name: 'Older' }));
    await waitFor(() => expect(ids()).toEqual(['r1']));
    expect((screen.getByRole('button', { name: 'Older' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    expect(screen.getByText('Page 3')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Newer' }));
    await waitFor(() => expect(ids()).toEqual(['r3', 'r2']));
    fireEvent.click(screen.getByRole('button', { name: 'Only accepted' }));
    await waitFor(() => expect(ids()).toEqual(['r5', 'r3']));
    expect(screen.getByText('Page 1')).toBeTruthy();
    expect(fetched).toEqual(['all:-', 'all:r4', 'all:r2', 'accepted:-']);
  });
});

function Filters({ applied }: { applied: string[] }) {
  const [email, setEmail] = useState('');
  return (
    <FilterBar
      label="Filter notifications"
      onApply={() => applied.push(email)}
      onReset={() => setEmail('')}
    >
      <TextField label="E-mail" value={email} onChange={setEmail} />
    </FilterBar>
  );
}

describe('FilterBar', () => {
  it('is a labelled search form that applies on Enter or Apply, and resets', async () => {
    const user = userEvent.setup();
    const applied: string[] = [];
    await renderUi(<Filters applied={applied} />);
    const search = screen.getByRole('search', { name: 'Filter notifications' });
    await user.type(within(search).getByLabelText('E-mail'), 'buyer@example.com{Enter}');
    await user.click(within(search).getByRole('button', { name: 'Reset' }));
    expect((within(search).getByLabelText('E-mail') as HTMLInputElement).value).toBe('');
    await user.click(within(search).getByRole('button', { name: 'Apply' }));
    expect(applied).toEqual(['buyer@example.com', '']);
  });
});

describe('formatted values', () => {
  it('show dates as <time> with the instant, and amounts in the language’s format', async () => {
    await renderUi(
      <>
        <DateTime iso="2026-05-14T09:12:45.000Z" />
        <Money minor={123456} currency="EUR" />
      </>,
      { language: 'de' },
    );
    const time = document.querySelector('time');
    expect(time?.getAttribute('datetime')).toBe('2026-05-14T09:12:45.000Z');
    expect(time?.textContent).toMatch(/^14\.05\.2026, \d{2}:12$/);
    expect(document.querySelector('.money')?.textContent?.replace(/\u00a0/g, ' ')).toBe(
      '1.234,56 €',
    );
  });
});
