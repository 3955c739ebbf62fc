import { describe, expect, it } from 'vitest';
import { loadManifestTexts } from '../../src/manifest/load.js';
import { environmentState } from '../../src/model/normalize.js';

const texts = [
  {
    file: '/repo/env/environments.yaml',
    text: 'apiVersion: tollgate.dev/v1\nkind: Environment\nmetadata: { name: prod }\nspec:\n  tls: { certificates: [www], minVersion: TLSv1.3 }\n---\napiVersion: tollgate.dev/v1\nkind: Environment\nmetadata: { name: dev }\nspec: {}\n',
  },
  {
    file: '/repo/tls/certs.yaml',
    text: 'apiVersion: tollgate.dev/v1\nkind: Certificate\nmetadata: { name: www }\nspec: { hosts: [WWW.example.test], certificate: "${file:www.pem}", key: "${env:WWW_KEY}" }\n---\napiVersion: tollgate.dev/v1\nkind: Certificate\nmetadata: { name: api }\nspec: { hosts: [api.example.test], certificate: "${file:/etc/tls/api.pem}", key: "${file:../keys/api.key}" }\n---\napiVersion: tollgate.dev/v1\nkind: Certificate\nmetadata: { name: unused }\nspec: { hosts: [x.test], certificate: "${file:x.pem}", key: "${env:X}" }\n',
  },
  {
    file: '/repo/apis/orders.yaml',
    text: 'apiVersion: tollgate.dev/v1\nkind: Api\nmetadata: { name: orders }\nspec:\n  version: v1\n  basePath: /orders\n  upstream: https://orders.internal\n  upstreamTls: { ca: "${file:ca.pem}", clientCertificate: "${file:client.pem}", clientKey: "${env:K}" }\n  environments: [prod, dev]\n  certificates: [api]\n  overrides:\n    dev: { upstream: "http://orders.dev:8080" }\n',
  },
];

describe('normalization of TLS', () => {
  const loaded = loadManifestTexts(texts);

  it('certificates the environment or its APIs reference reach its state, sorted, file references absolute, with TLS defaults', () => {
    expect(loaded.diagnostics).toEqual([]);
    const prod = environmentState(loaded.manifests, 'prod');
    expect(prod.certificates).toEqual([
      {
        name: 'api',
        hosts: ['api.example.test'],
        certificate: '${file:/etc/tls/api.pem}',
        key: '${file:/repo/keys/api.key}',
      },
      { name: 'www', hosts: ['www.example.test'], certificate: '${file:/repo/tls/www.pem}', key: '${env:WWW_KEY}' },
    ]);
    expect(prod.environment.tls).toEqual({ minVersion: 'TLSv1.3', redirectHttp: false });
    expect(prod.apis[0]!.upstreamTls).toEqual({
      ca: '${file:/repo/apis/ca.pem}',
      clientCertificate: '${file:/repo/apis/client.pem}',
      clientKey: '${env:K}',
      verify: true,
      minVersion: 'TLSv1.2',
    });
  });

  it('an environment without certificates has no TLS in its state; an override to plain http leaves upstreamTls behind', () => {
    const dev = environmentState(loaded.manifests, 'dev');
    // The Api brings its certificate to every environment it is deployed to.
    expect(dev.certificates?.map((c) => c.name)).toEqual(['api']);
    expect(dev.apis[0]!.upstream).toBe('http://orders.dev:8080');
    expect(dev.apis[0]!.upstreamTls).toBeUndefined();
    const none = loadManifestTexts([texts[0]!]);
    expect(environmentState(none.manifests, 'dev')).not.toHaveProperty('certificates');
    expect(environmentState(none.manifests, 'dev').environment).not.toHaveProperty('tls');
  });
});
