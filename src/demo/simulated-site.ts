// Simulated website activity for the first-run demo: users browse, search and click over a few hours.

const PAGES = ['/', '/search', '/products/42', '/products/7', '/products/19', '/cart', '/checkout', '/help'];
const QUERIES = ['red shoes', 'laptop bag', 'gift ideas', 'running socks', 'usb-c cable', 'desk lamp'];
const COUNTRIES = ['FR', 'DE', 'US', 'JP', 'BR'];
const DEVICES = ['desktop', 'mobile', 'tablet'];
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64) Firefox/131.0', 'Mozilla/5.0 (iPhone) Safari/17.0', 'Mozilla/5.0 (Windows NT 10.0) Chrome/130.0'];

export interface SiteEvent {
  topic: 'page_views' | 'searches' | 'clicks';
  key: string;
  timestamp: number;
  value: Record<string, unknown>;
}

/** A small deterministic generator, so every demo run shows the same numbers. */
function generator(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
}

/** `users` users spread over `hours` hours from `start`; each visit is some page views, maybe a search and clicks. */
export function simulateSite(start: number, hours: number, users: number, visitsPerUser: number): SiteEvent[] {
  const rnd = generator(42);
  const events: SiteEvent[] = [];
  for (let u = 0; u < users; u++) {
    const user = `user-${u}`;
    const country = COUNTRIES[rnd(COUNTRIES.length)];
    for (let v = 0; v < visitsPerUser; v++) {
      let ts = start + rnd(hours * 3_600_000);
      const session = `${user}-s${v}`;
      for (let p = 0, pages = 1 + rnd(5); p < pages; p++) {
        const page = PAGES[rnd(PAGES.length)];
        events.push({ topic: 'page_views', key: user, timestamp: ts, value: {
          ts, user_id: user, session_id: session, page, referrer: p === 0 ? null : PAGES[rnd(PAGES.length)],
          user_agent: AGENTS[rnd(AGENTS.length)], duration_ms: 500 + rnd(60_000), country } });
        if (rnd(3) === 0) {
          const isAd = rnd(5) === 0;
          events.push({ topic: 'clicks', key: user, timestamp: ts + 1000, value: {
            ts: ts + 1000, user_id: user, page, element: isAd ? 'ad-banner' : `link-${rnd(12)}`, position: rnd(10), is_ad: isAd,
            cost_micros: isAd ? 20_000 + rnd(400_000) : null } });
        }
        ts += 5_000 + rnd(120_000);
      }
      if (rnd(2) === 0) {
        events.push({ topic: 'searches', key: user, timestamp: ts, value: {
          ts, user_id: user, query: QUERIES[rnd(QUERIES.length)], results: rnd(200), device: DEVICES[rnd(DEVICES.length)], country } });
      }
    }
  }
  return events.sort((a, b) => a.timestamp - b.timestamp);
}
