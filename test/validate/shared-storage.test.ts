import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/errors/diagnostic.js';
import { runCli } from '../helpers/cli.js';

/** sharedStorage is a reference or a redis URL the gateway can use: validate refuses what the gateway would. */

async function validateWith(sharedStorage: string): Promise<{ code: number | null; diagnostics: Diagnostic[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-storage-'));
  await writeFile(
    path.join(dir, 'environment.yaml'),
    `apiVersion: tollgate.dev/v1\nkind: Environment\nmetadata: { name: dev }\nspec:\n  sharedStorage: ${sharedStorage}\n`,
  );
  await writeFile(
    path.join(dir, 'api.yaml'),
    'apiVersion: tollgate.dev/v1\nkind: Api\nmetadata: { name: orders }\nspec: { version: v1, basePath: /orders, upstream: "http://127.0.0.1:9", environments: [dev] }\n',
  );
  const run = await runCli(['validate', '--output', 'json', dir]);
  return {
    code: run.code,
    diagnostics: (JSON.parse(run.stdout) as { diagnostics: Diagnostic[] }).diagnostics.filter(
      (d) => d.severity === 'error',
    ),
  };
}

describe('validate: sharedStorage', () => {
  // A password in the URL would be persisted by every gateway: it belongs in the gateway's environment, behind a reference.
  it.each([
    '"http://redis.internal:6379"',
    '"redis://"',
    '"redis://cache:6379?colour=blue"',
    '"rediss://user:pw@cache:6380"',
    '{ salt: salt-0123456789, sha256: ' + 'a'.repeat(64) + ' }',
  ])('%s is refused at its position', async (value) => {
    const run = await validateWith(value);
    expect(run.code).toBe(1);
    expect(run.diagnostics).toEqual([
      expect.objectContaining({
        code: 'TG_SCHEMA',
        path: 'spec.sharedStorage',
        line: 5,
        col: 18,
        message: expect.stringContaining('redis://'),
      }),
    ]);
  });

  it.each(['"${env:REDIS_URL}"', '"redis://cache:6379/2?timeout=50"', '"rediss://cache:6380"'])(
    '%s is accepted',
    async (value) => {
      const run = await validateWith(value);
      expect(run.diagnostics).toEqual([]);
    },
  );
});
