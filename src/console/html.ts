// The console's HTML: one escaping function every piece of data goes through, the page frame, and the style sheet.
import { firstInvalidUtf8Byte } from '../formats/utf8';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for an element's content or a quoted attribute. */
export function escapeHtml(value: string | number | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Markup already escaped: what `html` lets through unchanged. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Interpolated = Html | string | number | null | undefined | readonly Html[];

/** A tagged template that escapes every interpolated value except Html (and arrays of it). */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): Html {
  let out = strings[0];
  values.forEach((value, i) => {
    if (value instanceof Html) out += value.text;
    else if (Array.isArray(value)) out += value.map((v: Html) => v.text).join('');
    else out += escapeHtml(value as string | number | null | undefined);
    out += strings[i + 1];
  });
  return new Html(out);
}

export const NAV = [
  { href: '/topics', label: 'Topics' },
  { href: '/groups', label: 'Consumer groups' },
  { href: '/jobs', label: 'Jobs' },
  { href: '/tables', label: 'Tables' },
] as const;

/** A whole page: skip link, navigation (the current section marked for screen readers), one <main>. */
export function page(title: string, current: string, body: Html, notice?: Html): string {
  const links = NAV.map((n) => html`<li><a href="${n.href}"${new Html(current === n.href ? ' aria-current="page"' : '')}>${n.label}</a></li>`);
  return `<!doctype html>\n${html`<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · sluice console</title><link rel="stylesheet" href="/console.css"></head>
<body><a class="skip" href="#main">Skip to content</a>
<header><p class="brand">sluice console</p><nav aria-label="Sections"><ul>${links}</ul></nav></header>
<main id="main" tabindex="-1">${notice ?? ''}<h1>${title}</h1>${body}</main>
</body></html>`.text}\n`;
}

export function errorBox(message: string): Html {
  return html`<p class="error" role="alert">${message}</p>`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export interface DecodedBytes {
  /** What the browser shows: pretty-printed JSON, text, or a hex dump. */
  text: string;
  kind: 'null' | 'json' | 'text' | 'binary' | 'confluent';
}

const HEX_LIMIT = 512;

function hexDump(bytes: Buffer): string {
  const shown = bytes.subarray(0, HEX_LIMIT).toString('hex').replace(/(..)(?!$)/g, '$1 ');
  return bytes.length > HEX_LIMIT ? `${shown} … (${bytes.length} bytes)` : shown;
}

/** Key, value or header bytes as a person reads them: JSON pretty-printed, UTF-8 text as it is, anything else in hex. */
export function decodeBytes(bytes: Buffer | null): DecodedBytes {
  if (bytes === null) return { text: 'null', kind: 'null' };
  if (bytes.length >= 5 && bytes[0] === 0) {
    return { text: `schema id ${bytes.readInt32BE(1)}; payload ${hexDump(bytes.subarray(5))}`, kind: 'confluent' };
  }
  if (firstInvalidUtf8Byte(bytes) >= 0) return { text: hexDump(bytes), kind: 'binary' };
  const text = bytes.toString('utf8');
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { text: JSON.stringify(JSON.parse(trimmed), null, 2), kind: 'json' };
    } catch {
      // not JSON after all: shown as text
    }
  }
  return { text, kind: 'text' };
}

/** Dark text on light ground throughout (WCAG AA at least); state is always said in words, colour only helps. */
export const STYLE_SHEET = `
:root { color-scheme: light; --ink: #1b1b1f; --muted: #4a4a55; --line: #c9c9d1; --link: #0b4f9c; --focus: #b35900; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--ink); background: #fff; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .5rem 1rem; background: #eef1f6; border-bottom: 1px solid var(--line); }
.brand { margin: 0; font-weight: 700; }
nav ul { display: flex; gap: .25rem; list-style: none; margin: 0; padding: 0; }
nav a { display: inline-block; padding: .3rem .6rem; border-radius: 4px; }
nav a[aria-current="page"] { background: #fff; font-weight: 600; text-decoration: none; border: 1px solid var(--line); }
main { padding: 0 1rem 2rem; max-width: 90rem; }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible, main:focus-visible {
  outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: .5rem; background: #fff; padding: .3rem .6rem; z-index: 1; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: .2rem .5rem; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
pre { margin: 0; white-space: pre-wrap; word-break: break-all; font: 13px/1.35 ui-monospace, monospace; }
form.browse { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; margin: .5rem 0; }
form.browse label { display: flex; flex-direction: column; font-weight: 600; }
input, select, button { font: inherit; padding: .25rem .4rem; border: 1px solid #6b6b76; border-radius: 4px; background: #fff; color: var(--ink); }
button { background: #0b4f9c; color: #fff; border-color: #0b4f9c; cursor: pointer; }
.error { border: 2px solid #a40e26; background: #fde7ea; padding: .4rem .6rem; }
.notice { border: 2px solid #2a6b2f; background: #e5f4e6; padding: .4rem .6rem; }
.muted { color: var(--muted); }
.grid td.state { text-align: center; font-size: 13px; min-width: 6.5rem; }
.complete { background: #cdebd3; } .incomplete { background: #ececf0; } .reopened { background: #ffe8a3; } .gap { background: #f7c6cc; }
.none { background: #fff; color: var(--muted); }
.grid caption { white-space: nowrap; }
.grid tr.elided td { text-align: center; color: var(--muted); font-style: italic; }
.legend { display: flex; gap: .5rem; flex-wrap: wrap; padding: 0; list-style: none; }
.legend li { padding: .1rem .5rem; border: 1px solid var(--line); }
ul.tree { list-style: none; padding-left: 1.2rem; margin: 0; }
ul.tree.top { padding-left: 0; }
.tree .size { color: var(--muted); margin-left: .5rem; }
svg.chart { max-width: 100%; height: auto; border: 1px solid var(--line); background: #fff; }
`;
