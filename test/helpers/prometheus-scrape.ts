import * as path from 'node:path';
import { run } from './processes';

export interface Scraped {
  /** Family name → Prometheus type (counter, gauge, histogram...), as the parser read it. */
  types: Record<string, string>;
  /** Values as the page has them; NaN as null and ±Inf as the strings "+Inf"/"-Inf" (JSON has neither). */
  samples: [string, Record<string, string>, number | null | string][];
}

const PARSER = path.resolve(__dirname, '../../../test/helpers/parse-prometheus.py');

/** GET a /metrics page and parse it with Prometheus's own Python parser (Debian's python3-prometheus-client). */
const numeric = (v: number | null | string): number => (v === null ? NaN : typeof v === 'string' ? (v === '+Inf' ? Infinity : -Infinity) : v);

export async function scrape(url: string): Promise<Scraped & { contentType: string; value(name: string, labels?: Record<string, string>): number | undefined; sum(name: string, labels?: Record<string, string>): number }> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  const text = await response.text();
  const parsed = await run('/usr/bin/python3', [PARSER], text);
  if (parsed.code !== 0) throw new Error(`the exposition of ${url} did not parse: ${parsed.stderr}`);
  const scraped = JSON.parse(parsed.stdout) as Scraped;
  const matching = (name: string, labels: Record<string, string>) =>
    scraped.samples.filter(([n, l]) => n === name && Object.entries(labels).every(([k, v]) => l[k] === v));
  return {
    ...scraped,
    contentType: response.headers.get('content-type') ?? '',
    value: (name, labels = {}) => {
      const found = matching(name, labels);
      if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
      return found.length === 0 ? undefined : numeric(found[0][2]);
    },
    sum: (name, labels = {}) => matching(name, labels).reduce((total, [, , v]) => total + numeric(v), 0),
  };
}
