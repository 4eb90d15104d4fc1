import * as fs from 'node:fs';
import * as path from 'node:path';

const DOCS = path.resolve(__dirname, '../../../docs');
const HISTOGRAM_PARTS = /_(bucket|sum|count)$/;

/** Metric names the Grafana dashboard and the alert rules in docs/ use, histogram series folded into their family. */
export function documentedMetricNames(): Set<string> {
  const text = fs.readFileSync(path.join(DOCS, 'grafana-dashboard.json'), 'utf8') + fs.readFileSync(path.join(DOCS, 'prometheus-alerts.yml'), 'utf8');
  const names = new Set<string>();
  for (const [name] of text.matchAll(/\b(?:sluice|kafka|nodejs)_[a-z0-9_]+/g)) names.add(name);
  return names;
}

/** The names a scraped page answers to: each sample's name, and each histogram family's name. */
export function servedNames(samples: readonly [string, Record<string, string>, unknown][]): Set<string> {
  const served = new Set<string>();
  for (const [name] of samples) {
    served.add(name);
    if (HISTOGRAM_PARTS.test(name)) served.add(name.replace(HISTOGRAM_PARTS, ''));
  }
  return served;
}
