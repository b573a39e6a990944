/**
 * Names and their values as a two-column table: the headers of a request, the fields of a
 * notification. Names can repeat (a field sent twice), so rows are keyed by position. Values
 * keep their own direction (`<bdi>`): a Hebrew buyer name reads right to left, a URL left to
 * right, while the column stays aligned with the page's language.
 */
export interface NameValue {
  name: string;
  value: string;
}

export interface NameValueTableProps {
  /** Says what the table lists (visible above it). */
  caption: string;
  nameHeader: string;
  valueHeader: string;
  rows: readonly NameValue[];
}

export function NameValueTable({ caption, nameHeader, valueHeader, rows }: NameValueTableProps) {
  return (
    <div className="table-scroll">
      <table className="data-table name-value-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{nameHeader}</th>
            <th scope="col">{valueHeader}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: pairs as they were sent, never reordered; a name may repeat (two Set-Cookie headers)
            <tr key={index}>
              <th scope="row">
                <code dir="ltr">{row.name}</code>
              </th>
              <td className="name-value">
                <bdi>{row.value}</bdi>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
