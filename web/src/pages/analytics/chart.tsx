/**
 * One chart of the dashboard: a Chart.js bar chart drawn on a canvas, with the same figures as a
 * table (always in the page for screen readers, shown on request) and a CSV download. Hidden
 * figures are drawn as no bar and said in words ("fewer than 5", "withheld").
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip, type Plugin } from 'chart.js';
import { useEffect, useId, useRef, useState } from 'react';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export interface ChartRow {
  label: string;
  value: number | null;
  /** What to say when the value is hidden, or a formatted value. */
  text: string;
  /** Further columns for the table and the CSV (e.g. a share). */
  extra?: string[];
}

export interface ReferenceLine {
  value: number;
  label: string;
}

const ACCENT = '#1d5c63';
const REFERENCE = '#a4262c';

/** Draws reference lines across the value axis (a published benchmark, a clock's target). */
function referencePlugin(lines: ReferenceLine[], horizontal: boolean): Plugin<'bar'> {
  return {
    id: 'candorReference',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      const scale = chart.scales[horizontal ? 'x' : 'y'];
      if (!scale) return;
      ctx.save();
      ctx.strokeStyle = REFERENCE;
      ctx.fillStyle = REFERENCE;
      ctx.lineWidth = 2;
      ctx.setLineDash([6, 4]);
      ctx.font = '12px system-ui, sans-serif';
      for (const line of lines) {
        const at = scale.getPixelForValue(line.value);
        ctx.beginPath();
        if (horizontal) {
          ctx.moveTo(at, chartArea.top);
          ctx.lineTo(at, chartArea.bottom);
        } else {
          ctx.moveTo(chartArea.left, at);
          ctx.lineTo(chartArea.right, at);
        }
        ctx.stroke();
        // The label sits beside the line, on whichever side has room for it.
        const width = ctx.measureText(line.label).width;
        const x = horizontal ? (at + 4 + width <= chartArea.right ? at + 4 : Math.max(chartArea.left, at - 4 - width)) : chartArea.left + 4;
        ctx.fillText(line.label, x, horizontal ? chartArea.top + 12 : at - 4);
      }
      ctx.restore();
    },
  };
}

function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(headers: string[], rows: string[][]): string {
  return [headers, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function downloadCsv(filename: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

export function FigureChart({
  id,
  title,
  valueHeading,
  rows,
  extraHeadings = [],
  references = [],
  horizontal = false,
  note,
  chart = true,
}: {
  id: string;
  title: string;
  valueHeading: string;
  rows: ChartRow[];
  extraHeadings?: string[];
  references?: ReferenceLine[];
  horizontal?: boolean;
  note?: string;
  chart?: boolean;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [showTable, setShowTable] = useState(!chart);
  const headingId = useId();

  useEffect(() => {
    if (!chart || !canvas.current) return;
    const instance = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: rows.map((row) => row.label),
        datasets: [{ label: valueHeading, data: rows.map((row) => row.value ?? 0), backgroundColor: ACCENT }],
      },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { [horizontal ? 'x' : 'y']: { beginAtZero: true, suggestedMax: Math.max(0, ...references.map((line) => line.value * 1.1)) } },
        plugins: {
          tooltip: { callbacks: { label: (item) => `${valueHeading}: ${rows[item.dataIndex]?.text ?? ''}` } },
        },
      },
      plugins: [referencePlugin(references, horizontal)],
    });
    return () => instance.destroy();
  }, [chart, rows, references, horizontal, valueHeading]);

  const headers = ['', valueHeading, ...extraHeadings];
  const csv = () => toCsv([title, valueHeading, ...extraHeadings], rows.map((row) => [row.label, row.value === null ? row.text : String(row.value), ...(row.extra ?? [])]));

  return (
    <section className="figure-card" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {note && <p className="small muted">{note}</p>}
      {chart && (
        <div className={horizontal ? 'chart chart-tall' : 'chart'}>
          {/* The table below carries the same figures for screen readers. */}
          <canvas ref={canvas} aria-hidden="true" />
        </div>
      )}
      {references.length > 0 && (
        <ul className="small muted reference-list">
          {references.map((line) => (
            <li key={line.label}>Dashed line: {line.label}</li>
          ))}
        </ul>
      )}
      <table className={showTable ? 'plain figure-table' : 'plain figure-table visually-hidden'}>
        <caption className="visually-hidden">{title}</caption>
        <thead>
          <tr>
            {headers.map((heading, i) => (
              <th key={i} scope="col">
                {heading || 'Group'}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              <td>{row.text}</td>
              {(row.extra ?? []).map((cell, i) => (
                <td key={i}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-actions">
        {chart && (
          <button type="button" className="secondary small-button" aria-pressed={showTable} onClick={() => setShowTable((shown) => !shown)}>
            {showTable ? 'Hide table' : 'Show table'}
          </button>
        )}
        <button type="button" className="secondary small-button" onClick={() => downloadCsv(`candor-${id}.csv`, csv())}>
          Download CSV<span className="visually-hidden"> of {title}</span>
        </button>
      </div>
    </section>
  );
}
