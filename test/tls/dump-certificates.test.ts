import { describe, expect, it } from 'vitest';
import { stateToManifests } from '../../src/dump/to-manifests.js';
import { loadManifestTexts } from '../../src/manifest/load.js';
import { environmentState as normalize } from '../../src/model/normalize.js';
import type { EnvironmentState } from '../../src/model/types.js';
import { computePlan } from '../../src/plan/plan.js';
import { api, environmentState } from '../helpers/state.js';

describe('dump of TLS', () => {
  it('writes Certificates as references and TLS settings that load back to the same state (zero changes)', () => {
    const live: EnvironmentState = {
      ...environmentState(
        [
          api('orders', 'https://orders.internal', [], {
            upstreamTls: { ca: '${file:/etc/tls/ca.pem}', verify: true, minVersion: 'TLSv1.2' },
          }),
        ],
        [],
        { tls: { minVersion: 'TLSv1.3', redirectHttp: true } },
      ),
      certificates: [
        { name: 'www', hosts: ['www.example.test'], certificate: '${file:/etc/tls/www.crt}', key: '${env:WWW_KEY}' },
      ],
    };
    const dumped = stateToManifests(live, { nodes: [], secretsAsRefs: false });
    const texts = [...dumped.files].map(([file, text]) => ({ file: `/dump/${file}`, text }));
    expect(dumped.files.get('certificates.yaml')).toContain('key: ${env:WWW_KEY}');
    const loaded = loadManifestTexts(texts);
    expect(loaded.diagnostics).toEqual([]);
    const back = normalize(loaded.manifests, 'test');
    expect(back.certificates).toEqual(live.certificates);
    expect(computePlan(back, live, { prune: true }).plan.changes).toEqual([]);
  });
});
