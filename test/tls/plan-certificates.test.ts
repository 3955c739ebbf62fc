import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EnvironmentState } from '../../src/model/types.js';
import { computePlan, transactionChanges } from '../../src/plan/plan.js';
import { renderPlansText } from '../../src/plan/render.js';
import { paint } from '../../src/output/color.js';
import { inProcessGateway } from '../helpers/in-process-gateway.js';
import { api, environmentState } from '../helpers/state.js';
import { createCa, issue, type IssuedCertificate } from '../helpers/tls.js';

describe('plans of certificates', () => {
  let first: IssuedCertificate;
  let renewed: IssuedCertificate;
  const withCertificate = (pem: string, key: string): EnvironmentState => ({
    ...environmentState([api('items', 'http://127.0.0.1:9'), api('orders', 'http://127.0.0.1:9')], [], {
      tls: { minVersion: 'TLSv1.2', redirectHttp: false },
    }),
    certificates: [{ name: 'www', hosts: ['www.example.test'], certificate: pem, key }],
  });

  beforeAll(() => {
    const ca = createCa();
    first = issue(ca, { name: 'first', dns: ['www.example.test'], days: 40 });
    renewed = issue(ca, { name: 'renewed', dns: ['www.example.test'], days: 90 });
  });

  it('shows a rotation by fingerprint and expiry, and never key material', () => {
    const live = withCertificate(first.certPem, `\${file:${first.keyFile}}`);
    const desired = withCertificate(renewed.certPem, `\${file:${renewed.keyFile}}`);
    const { plan, target } = computePlan(desired, live, { prune: false });
    expect(plan.changes.map((c) => c.kind)).toEqual(['update-certificate']);
    const text = renderPlansText([{ node: 'n1', revision: 3, plan }], paint(false));
    const before = new X509Certificate(first.certPem);
    const after = new X509Certificate(renewed.certPem);
    expect(text).toContain('~ update certificate www');
    expect(text).toContain(
      `certificate: sha256 ${before.fingerprint256.slice(0, 23)}…, www.example.test, expires ${new Date(before.validTo).toISOString().slice(0, 10)} → sha256 ${after.fingerprint256.slice(0, 23)}…`,
    );
    expect(text).toContain(`key: \${file:${first.keyFile}} → \${file:${renewed.keyFile}}`);
    expect(text).not.toContain('BEGIN');
    expect(transactionChanges(plan.changes, target)).toEqual([
      { op: 'put-certificate', certificate: desired.certificates![0] },
    ]);
  });

  it('an unchanged certificate plans nothing; a removed one is kept without --prune', () => {
    const live = withCertificate(first.certPem, '${env:WWW_KEY}');
    expect(computePlan(withCertificate(first.certPem, '${env:WWW_KEY}'), live, { prune: false }).plan.changes).toEqual(
      [],
    );
    const withoutTls = environmentState(live.apis);
    const kept = computePlan(withoutTls, live, { prune: false });
    expect(kept.plan.skipped.map((c) => c.kind)).toEqual(['delete-certificate']);
    expect(kept.target.certificates?.map((c) => c.name)).toEqual(['www']);
    expect(computePlan(withoutTls, live, { prune: true }).plan.changes.map((c) => c.kind)).toContain(
      'delete-certificate',
    );
  });

  it('a rotation applied to a gateway recompiles no API', async () => {
    const gateway = await inProcessGateway();
    try {
      const applied = await gateway.engine.apply({
        expectedRevision: 0,
        state: withCertificate(`\${file:${first.certFile}}`, `\${file:${first.keyFile}}`),
      });
      expect(applied).toMatchObject({ ok: true, changedApis: ['items', 'orders'] });
      const served = gateway.runtime.keys();
      const rotated = await gateway.engine.apply({
        expectedRevision: 1,
        changes: [
          {
            op: 'put-certificate',
            certificate: {
              name: 'www',
              hosts: ['www.example.test'],
              certificate: `\${file:${renewed.certFile}}`,
              key: `\${file:${renewed.keyFile}}`,
            },
          },
        ],
      });
      expect(rotated).toMatchObject({ ok: true, revision: 2, changedApis: [] });
      expect(gateway.runtime.keys()).toEqual(served);
      expect(gateway.runtime.tlsStatus()?.certificates[0]?.fingerprint).toBe(
        new X509Certificate(renewed.certPem).fingerprint256,
      );
    } finally {
      await gateway.close();
    }
  });
});
