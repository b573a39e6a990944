/**
 * The few SOQL queries the connector runs (docs/protocols/salesforce.md#rest-paths-and-versions: `GET …/query?q=`):
 * `SELECT <fields> FROM <object> WHERE <field> = <value> [AND …] [ORDER BY …] [LIMIT n]`, with
 * values quoted and escaped so buyer data can never change the query.
 */

/** A SOQL string literal: quoted, with backslashes, quotes and control characters escaped. */
export function soqlString(value: string): string {
  const escaped = value.replace(/[\\'"\n\r\t\b\f]/g, (char) => {
    switch (char) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      case '\b':
        return '\\b';
      case '\f':
        return '\\f';
      default:
        return `\\${char}`;
    }
  });
  return `'${escaped}'`;
}

export interface SelectWhere {
  object: string;
  fields: readonly string[];
  /** Equality conditions joined with AND; field names come from the config (API names), never from events. */
  where: ReadonlyArray<readonly [field: string, value: string | boolean]>;
  orderBy?: string;
  limit?: number;
}

/** The query text for `spec`. */
export function selectWhere(spec: SelectWhere): string {
  const conditions = spec.where.map(
    ([field, value]) =>
      `${field} = ${typeof value === 'boolean' ? String(value) : soqlString(value)}`,
  );
  return [
    `SELECT ${[...new Set(spec.fields)].join(', ')} FROM ${spec.object}`,
    ...(conditions.length > 0 ? [`WHERE ${conditions.join(' AND ')}`] : []),
    ...(spec.orderBy ? [`ORDER BY ${spec.orderBy}`] : []),
    ...(spec.limit !== undefined ? [`LIMIT ${spec.limit}`] : []),
  ].join(' ');
}
