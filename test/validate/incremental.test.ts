import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestFileCache } from '../../src/manifest/file-cache.js';
import { validatePaths } from '../../src/validate/index.js';

const environment = (name: string) => `apiVersion: tollgate.dev/v1
kind: Environment
metadata: { name: ${name} }
spec: { nodes: [{ name: gw, adminUrl: "http://127.0.0.1:9" }] }
`;
const api = (password: string) => `apiVersion: tollgate.dev/v1
kind: Api
metadata: { name: orders }
spec:
  version: v1
  basePath: /orders
  upstream: http://127.0.0.1:9
  environments: [dev, prod]
  policies:
    - { name: login, type: basic-auth, config: { username: ops, password: "${password}" } }
`;
const codes = (result: Awaited<ReturnType<typeof validatePaths>>) =>
  result.diagnostics.map((d) => `${path.basename(d.file ?? '')} ${d.code}`).sort();

describe('validation of a repository revision after revision', () => {
  it('re-checks an unchanged Api when what it depends on changes, and forgets what an edit fixed', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-incremental-'));
    const files = new ManifestFileCache(0);
    await writeFile(path.join(dir, 'dev.yaml'), environment('dev'));
    await writeFile(path.join(dir, 'orders.yaml'), api('plain-text'));
    expect(codes(await validatePaths([dir], { files }))).toEqual([
      'orders.yaml TG_PLAINTEXT_SECRET',
      'orders.yaml TG_UNKNOWN_ENVIRONMENT',
    ]);
    // orders.yaml is the same file (the same manifest object): its findings must follow the environments.
    await writeFile(path.join(dir, 'prod.yaml'), environment('prod'));
    expect(codes(await validatePaths([dir], { files }))).toEqual(['orders.yaml TG_PLAINTEXT_SECRET']);
    await rm(path.join(dir, 'prod.yaml'));
    expect(codes(await validatePaths([dir], { files }))).toEqual([
      'orders.yaml TG_PLAINTEXT_SECRET',
      'orders.yaml TG_UNKNOWN_ENVIRONMENT',
    ]);
    await writeFile(path.join(dir, 'prod.yaml'), environment('prod'));
    await writeFile(path.join(dir, 'orders.yaml'), api('${env:ORDERS_PASSWORD}'));
    expect(codes(await validatePaths([dir], { files }))).toEqual([]);
  });
});
