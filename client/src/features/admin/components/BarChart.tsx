import { useI18n } from '../../../i18n/i18n';

/**
 * Horizontal bars in plain SVG (no chart library, nothing from a CDN). The numbers are also in a
 * table for screen readers; the SVG is decoration for the eye.
 */
export function BarChart({ title, data, label }: { title: string; data: Array<{ key: string; count: number }>; label: (key: string) => string }) {
  const { formatNumber, dir } = useI18n();
  const max = Math.max(1, ...data.map((d) => d.count));
  const row = 28;
  const width = 480;
  const labelWidth = 170;
  const barSpace = width - labelWidth - 50;
  const rtl = dir === 'rtl';
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {data.length === 0 ? (
        <p className="muted">—</p>
      ) : (
        <>
          <svg viewBox={`0 0 ${width} ${data.length * row + 8}`} role="img" aria-hidden="true" focusable="false">
            {data.map((d, i) => {
              const w = (d.count / max) * barSpace;
              const y = i * row + 4;
              const x = rtl ? width - labelWidth - w : labelWidth;
              return (
                <g key={d.key}>
                  <text x={rtl ? width - 4 : 4} y={y + 17} textAnchor={rtl ? 'end' : 'start'} className="chart-label">
                    {label(d.key).slice(0, 22)}
                  </text>
                  <rect x={x} y={y} width={Math.max(w, 1)} height={row - 8} rx={3} className="chart-bar" />
                  <text x={rtl ? x - 6 : x + w + 6} y={y + 16} textAnchor={rtl ? 'end' : 'start'} className="chart-value">
                    {formatNumber(d.count)}
                  </text>
                </g>
              );
            })}
          </svg>
          <table className="visually-hidden">
            <tbody>
              {data.map((d) => (
                <tr key={d.key}>
                  <th scope="row">{label(d.key)}</th>
                  <td>{formatNumber(d.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </figure>
  );
}
