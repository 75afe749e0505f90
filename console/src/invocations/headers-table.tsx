/** HTTP headers (a request's or a response's), folded under a summary that counts them. */
export function HeadersTable({ title, headers }: { title: string; headers: readonly (readonly [string, string])[] }) {
  return (
    <details>
      <summary>
        {title} ({headers.length})
      </summary>
      <table className="headers-table">
        <tbody>
          {headers.map(([name, value]) => (
            <tr key={name}>
              <th scope="row" className="mono">
                {name}
              </th>
              <td className="mono">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
