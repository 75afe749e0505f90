import type { ReactNode } from 'react';
import './row-editor.css';

/** One column of a `RowEditor`: its heading and the control(s) of a row's cell. */
export interface RowColumn<Row> {
  header: string;
  cell(row: Row, index: number, update: (patch: Partial<Row>) => void): ReactNode;
}

/**
 * Editable rows of a map-like field (packages, variables): a table with a Remove button on
 * each row and an Add button under it. Rows carry a `key` of their own so removing one
 * never shifts another's state; `describe` names a row for its Remove button's label.
 */
export function RowEditor<Row extends { key: number }>({
  rows,
  onChange,
  columns,
  newRow,
  addLabel,
  describe,
}: {
  rows: Row[];
  onChange: (rows: Row[]) => void;
  columns: RowColumn<Row>[];
  newRow: () => Row;
  addLabel: string;
  describe: (row: Row, index: number) => string;
}) {
  const update = (key: number, patch: Partial<Row>) => onChange(rows.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  return (
    <>
      {rows.length > 0 ? (
        <table className="compact row-editor">
          <thead>
            <tr>
              {columns.map((column) => (
                <th scope="col" key={column.header}>
                  {column.header}
                </th>
              ))}
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={row.key}>
                {columns.map((column) => (
                  <td key={column.header}>{column.cell(row, index, (patch) => update(row.key, patch))}</td>
                ))}
                <td>
                  <button
                    type="button"
                    className="small-button"
                    aria-label={`Remove ${describe(row, index)}`}
                    onClick={() => onChange(rows.filter((other) => other.key !== row.key))}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <button type="button" onClick={() => onChange([...rows, newRow()])}>
        {addLabel}
      </button>
    </>
  );
}
