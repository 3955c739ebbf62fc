// The generated repository that bench/reload and bench/neighbours run against, and its edits.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateRepo } from '../generate-repo.mjs';
import { repositorySecrets } from './repo-secrets.mjs';

export const ENV = 'sandbox';
/** The path the request stream asks for. */
export const TARGET = '/bench-target/items';

const targetApi = (upstream) => `apiVersion: tollgate.dev/v1
kind: Api
metadata: { name: bench-target }
spec:
  version: v1
  basePath: /bench-target
  upstream: ${upstream}
  environments: [sandbox, production]
  policies:
    - name: quota
      type: rate-limiting
      config: { rateLimits: [{ maximumRequests: 1000000000, timePeriodInMilliseconds: 1000 }] }
    - name: tag
      type: header-injection
      config: { outboundHeaders: [{ key: X-Served-By, value: bench }] }
`;

/**
 * Generates `apis` APIs under `dir` plus the API the stream asks for (proxied to `upstreamUrl`).
 * Returns the repository, its API files, the secrets of `ENV`, and `edit(n)`: one outbound header
 * value of the first API in file `n` (round robin) changes, a one-line policy change.
 */
export async function reloadRepo(dir, { apis, upstreamUrl }) {
  const generated = await generateRepo(dir, { apis });
  await writeFile(path.join(dir, 'apis/bench-target.yaml'), targetApi(upstreamUrl));
  const files = generated.files.filter((f) => f.includes(`${path.sep}apis${path.sep}`));
  const secrets = await repositorySecrets(dir, ENV);
  let edits = 0;
  async function edit(n) {
    const file = files[n % files.length];
    const text = await readFile(file, 'utf8');
    const next = text.replace(/X-Served-By, value: tollgate[^ }]*/, `X-Served-By, value: tollgate-${++edits}`);
    if (next === text) throw new Error(`no header to change in ${file}`);
    await writeFile(file, next);
  }
  return { repo: dir, files, secrets, edit, envFile: path.join(dir, 'environments/environments.yaml') };
}

/** Points the `ENV` environment's nodes at one gateway, whose token is `${env:BENCH_TOKEN}`. */
export async function pointAt(envFile, adminUrl) {
  const text = await readFile(envFile, 'utf8');
  await writeFile(
    envFile,
    text.replace(
      /(name: sandbox\n[\s\S]*?nodes:\n)(    - [^\n]*\n)(      [^\n]*\n)*/,
      `$1    - name: sandbox-1\n      adminUrl: ${adminUrl}\n      token: \${env:BENCH_TOKEN}\n`,
    ),
  );
}
