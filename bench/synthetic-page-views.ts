// Synthetic page views for the format benchmarks: the 8 fields of schemas/page_view.avsc,
// deterministic, so every strategy and codec writes the same records.
import type { AvroRecord } from '../src/formats/record-file-writer';

const PAGES = ['/', '/search', '/cart', '/checkout/payment', '/account/orders', '/help/shipping-and-returns', '/café/menü'];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0',
];
const COUNTRIES = ['US', 'DE', 'FR', 'JP', 'BR', 'IN', 'GB', 'NG'];

/** Page views from..from+count, the same for every strategy. */
export function syntheticPageViews(from: number, count: number): AvroRecord[] {
  let seed = from + 42;
  const random = (below: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 4) % below;
  };
  return Array.from({ length: count }, (_, k) => ({
    ts: 1_767_225_600_000 + (from + k) * 3 + random(1000),
    user_id: `u${random(2_000_000)}`,
    session_id: `${random(2 ** 30).toString(16).padStart(8, '0')}-${random(2 ** 30).toString(16).padStart(8, '0')}`,
    page: random(3) === 0 ? `/product/${random(50_000)}` : PAGES[random(PAGES.length)],
    referrer: random(3) === 0 ? null : `https://www.example.com/search?q=item${random(10_000)}`,
    user_agent: AGENTS[random(AGENTS.length)],
    duration_ms: random(120_000),
    country: COUNTRIES[random(COUNTRIES.length)],
  }));
}
