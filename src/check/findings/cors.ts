import type { PolicyInstance } from '../../model/types.js';
import type { CorsConfig } from '../../policies/cors/index.js';
import type { PathSegment } from '../../errors/diagnostic.js';
import { policyLabel } from './policy-label.js';
import { active } from './policy-pairing.js';
import type { ApiDetector, FindingDraft } from './types.js';

/** Where a CORS config admits any origin: publicResource, or a "*" origin; undefined when it does not. */
function openedAt(policy: PolicyInstance | undefined): PathSegment[] | undefined {
  if (!active(policy)) return undefined;
  const config = policy.config as unknown as CorsConfig;
  if (config.publicResource) return ['publicResource'];
  for (const [g, group] of config.originGroups.entries()) {
    const o = group.origins.indexOf('*');
    if (o !== -1) return ['originGroups', g, 'origins', o];
  }
  return undefined;
}

/** CORS opened to any origin (a warning; with credentials, an error), where it was not open before. */
export const corsFindings: ApiDetector = (change, ctx) => {
  const out: FindingDraft[] = [];
  for (const pair of change.pairs) {
    if ((pair.after ?? pair.before)?.type !== 'cors') continue;
    const at = openedAt(pair.after);
    if (!at) continue;
    const after = pair.after as PolicyInstance;
    const credentials = (after.config as unknown as CorsConfig).supportCredentials;
    const wasOpen = openedAt(pair.before) !== undefined;
    const hadCredentials = wasOpen && (pair.before?.config as unknown as CorsConfig).supportCredentials;
    if (credentials && !hadCredentials) {
      out.push({
        code: 'TG_CORS_OPEN_WITH_CREDENTIALS',
        message: `Api "${change.api}": ${policyLabel(after)} admits any origin and supports credentials: any web page could call the Api with the user's cookies`,
        at: ctx.locate.policy(change.environment, change.api, after, { config: at }),
      });
    } else if (!wasOpen) {
      out.push({
        code: 'TG_CORS_OPENED',
        message: `Api "${change.api}": ${policyLabel(after)} ${pair.before ? 'now admits' : 'added, admitting'} any origin (${at[0] === 'publicResource' ? 'publicResource: true' : '"*"'})`,
        at: ctx.locate.policy(change.environment, change.api, after, { config: at }),
      });
    }
  }
  return out;
};
