// A partition-by-partition lag chart as inline SVG: no script, no library; a table beside it says the same in words.
import type { LagPoint } from './console-ports';
import { html, Html } from './html';

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };
/** Okabe–Ito's blue and vermilion, then dark hues: each at least 3:1 on white (WCAG's contrast for graphics); dashes tell them apart too. */
const COLOURS = ['#0072b2', '#d55e00', '#007a5a', '#5e3c99', '#000000', '#8c510a', '#b3006b', '#4d4d4d'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];

export function lagChart(points: LagPoint[], title: string): Html {
  if (points.length === 0) return html`<p>No runs yet: no lag to chart.</p>`;
  const times = points.map((p) => Date.parse(p.at));
  const [t0, t1] = [Math.min(...times), Math.max(...times)];
  const top = Math.max(1, ...points.map((p) => p.lagRecords));
  const x = (t: number) => PAD.left + (t1 === t0 ? (WIDTH - PAD.left - PAD.right) / 2 : ((t - t0) / (t1 - t0)) * (WIDTH - PAD.left - PAD.right));
  const y = (v: number) => HEIGHT - PAD.bottom - (v / top) * (HEIGHT - PAD.top - PAD.bottom);
  const partitions = [...new Set(points.map((p) => p.partition))].sort((a, b) => a - b);
  const lines = partitions.map((partition, i) => {
    const own = points.filter((p) => p.partition === partition);
    const d = own.map((p, j) => `${j === 0 ? 'M' : 'L'}${x(Date.parse(p.at)).toFixed(1)},${y(p.lagRecords).toFixed(1)}`).join(' ');
    const colour = COLOURS[i % COLOURS.length];
    const dots = own.map((p) => html`<circle cx="${x(Date.parse(p.at)).toFixed(1)}" cy="${y(p.lagRecords).toFixed(1)}" r="3" fill="${colour}"><title>partition ${partition}, ${p.at}: ${p.atLeast ? 'at least ' : ''}${p.lagRecords} records</title></circle>`);
    return html`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2" stroke-dasharray="${DASHES[i % DASHES.length]}"/>${dots}
<line x1="${WIDTH - PAD.right - 110}" y1="${PAD.top + 14 * (i + 1) - 4}" x2="${WIDTH - PAD.right - 86}" y2="${PAD.top + 14 * (i + 1) - 4}" stroke="${colour}" stroke-width="2" stroke-dasharray="${DASHES[i % DASHES.length]}"/>
<text x="${WIDTH - PAD.right - 4}" y="${PAD.top + 14 * (i + 1)}" text-anchor="end" fill="#1b1b1f" font-size="12">partition ${partition}</text>`;
  });
  const axis = html`<line x1="${PAD.left}" y1="${HEIGHT - PAD.bottom}" x2="${WIDTH - PAD.right}" y2="${HEIGHT - PAD.bottom}" stroke="#4a4a55"/>
<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${HEIGHT - PAD.bottom}" stroke="#4a4a55"/>
<text x="${PAD.left - 6}" y="${y(top) + 4}" text-anchor="end" font-size="12" fill="#1b1b1f">${top}</text>
<text x="${PAD.left - 6}" y="${y(0) + 4}" text-anchor="end" font-size="12" fill="#1b1b1f">0</text>
<text x="${PAD.left}" y="${HEIGHT - 8}" font-size="12" fill="#1b1b1f">${new Date(t0).toISOString().slice(0, 16).replace('T', ' ')}</text>
<text x="${WIDTH - PAD.right}" y="${HEIGHT - 8}" text-anchor="end" font-size="12" fill="#1b1b1f">${new Date(t1).toISOString().slice(0, 16).replace('T', ' ')} UTC</text>`;
  return html`<figure><svg class="chart" role="img" aria-labelledby="lag-chart-title" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg">
<title id="lag-chart-title">${title}</title>${axis}${lines}</svg>
<figcaption class="muted">Records waiting per partition when each run planned (its range), and now. The table below lists the same points.</figcaption></figure>`;
}
