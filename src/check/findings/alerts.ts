import { weakenings } from '../../alerts/compare.js';
import type { AlertManifest } from '../../manifest/types.js';
import { where } from './locator.js';
import type { FindingDraft } from './types.js';

/**
 * Alerts of one environment that the head stops evaluating (deleted, or no
 * longer for this environment) or makes less sensitive. `headAlerts` are every
 * head alert by name, whatever its environments.
 */
export function alertFindings(
  environment: string,
  base: ReadonlyMap<string, AlertManifest>,
  head: ReadonlyMap<string, AlertManifest>,
  headAlerts: ReadonlyMap<string, AlertManifest>,
): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const [name, before] of base) {
    const after = head.get(name);
    if (!after) {
      const elsewhere = headAlerts.get(name);
      const message = elsewhere
        ? `Alert "${name}" no longer watches environment "${environment}"`
        : `Alert "${name}" (${before.spec.type}) was deleted`;
      out.push({
        code: 'TG_ALERT_REMOVED',
        message,
        at: elsewhere && where(elsewhere.source, ['spec', 'environments']),
      });
      continue;
    }
    if (after.spec.type !== before.spec.type) {
      out.push({
        code: 'TG_ALERT_REMOVED',
        message: `Alert "${name}" watches ${after.spec.type} instead of ${before.spec.type}: the ${before.spec.type} alert is gone`,
        at: where(after.source, ['spec', 'type']),
      });
      continue;
    }
    for (const w of weakenings(before.spec, after.spec))
      out.push({
        code: 'TG_ALERT_WEAKENED',
        message: `Alert "${name}" is less sensitive: ${w.reason}`,
        at: where(after.source, w.field),
      });
  }
  return out;
}
