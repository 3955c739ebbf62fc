// Writes examples/multi-env/traffic/production.ndjson: a day of production access records in the
// gateway's format, deterministic, small enough to read. The README's replay example uses it.
//
//   node scripts/generate-example-traffic.mjs
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../examples/multi-env/traffic/production.ndjson');
const DAY = Date.parse('2026-11-30T00:00:00Z');
let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const records = [];
const catalog = ['any-origin', 'per-ip', 'known-abusers', 'audit-log', 'cache-hints', 'strip-internals'];
const orders = [
  'partner-portals',
  'burst-guard',
  'tier-quota',
  'known-abusers',
  'audit-log',
  'contracted-clients',
  'body-limits',
];
const add = (time, fields) =>
  records.push({
    time,
    environment: 'production',
    node: random() < 0.5 ? 'prod-eu-1' : 'prod-eu-2',
    method: 'GET',
    latencyMs: Math.round((2 + random() * 30) * 1000) / 1000,
    bytes: 200 + Math.floor(random() * 4000),
    ...fields,
  });

// Shoppers browsing the catalog all day, from 40 addresses.
for (let i = 0; i < 150; i++)
  add(DAY + random() * 86_400_000, {
    api: 'catalog',
    path: `/catalog/products/${Math.floor(random() * 500)}`,
    status: 200,
    clientIp: `198.51.100.${100 + Math.floor(random() * 40)}`,
    origin: 'https://shop.example.net',
    policies: catalog,
  });
// A price crawler: 150 requests in the minute after 09:00, within today's 600 a minute.
for (let i = 0; i < 150; i++)
  add(DAY + 9 * 3_600_000 + i * 400, {
    api: 'catalog',
    path: `/catalog/products/${i}`,
    status: 200,
    clientIp: '203.0.113.50',
    policies: catalog,
  });
// A known abuser, stopped by the environment's blocklist.
for (let i = 0; i < 3; i++)
  add(DAY + 14 * 3_600_000 + i * 1000, {
    api: 'catalog',
    path: '/catalog/admin',
    status: 403,
    clientIp: '192.0.2.44',
    answeredBy: 'known-abusers',
    policies: catalog.slice(0, 3),
  });
// Partners on the order API, verified by their client credentials.
for (const [id, n, ip] of [
  ['acme-logistics-7f3a', 80, '203.0.113.10'],
  ['corner-shop-19bc', 30, '203.0.113.77'],
]) {
  for (let i = 0; i < n; i++)
    add(DAY + random() * 86_400_000, {
      api: 'orders',
      method: random() < 0.3 ? 'POST' : 'GET',
      path: '/orders/v2/orders',
      status: 200,
      clientIp: ip,
      client: { id, verified: true },
      policies: orders,
    });
}
// Someone guessing acme's secret, and callers without credentials.
for (let i = 0; i < 2; i++)
  add(DAY + 20 * 3_600_000 + i * 5000, {
    api: 'orders',
    path: '/orders/v2/orders',
    status: 401,
    clientIp: '203.0.113.200',
    client: { id: 'acme-logistics-7f3a', verified: false },
    answeredBy: 'contracted-clients',
    policies: orders.slice(0, 6),
  });
for (let i = 0; i < 3; i++)
  add(DAY + random() * 86_400_000, {
    api: 'orders',
    path: '/orders/v2/orders',
    status: 401,
    clientIp: `198.51.100.${150 + i}`,
    answeredBy: 'contracted-clients',
    policies: orders.slice(0, 6),
  });

records.sort((a, b) => a.time - b.time);
writeFileSync(
  OUT,
  records
    .map((r) => JSON.stringify({ ...r, time: new Date(Math.round(r.time)).toISOString().replace('Z', '000Z') }))
    .join('\n') + '\n',
);
console.log(`${records.length} records → ${path.relative(process.cwd(), OUT)}`);
