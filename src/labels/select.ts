import type { Kind, ManifestSet } from '../manifest/types.js';
import { matches, type Selector } from './selector.js';

/**
 * The manifests a selector acts on: the Apis, Applications, Certificates and Alerts
 * whose metadata.labels match, and every Environment (it names the gateway
 * nodes and holds the settings and environment-wide policies everyone deploys
 * into; whether an apply writes its settings is decided by `ownsEnvironment`).
 * The names left out still count as defined (as documents that failed their
 * schema do), so a reference to another team's Api or Certificate is not an
 * error here: the gateway holds them.
 */
export function selectManifests(set: ManifestSet, selector: Selector | undefined): ManifestSet {
  if (!selector) return set;
  const invalidNames: Record<Kind, Set<string>> = {
    Environment: new Set(set.invalidNames.Environment),
    Api: new Set(set.invalidNames.Api),
    Application: new Set(set.invalidNames.Application),
    Certificate: new Set(set.invalidNames.Certificate),
    Alert: new Set(set.invalidNames.Alert),
  };
  const keep = <T extends { name: string; labels?: Readonly<Record<string, string>> }>(
    kind: Kind,
    items: readonly T[],
  ): T[] =>
    items.filter((item) => {
      if (matches(selector, item.labels)) return true;
      invalidNames[kind].add(item.name);
      return false;
    });
  return {
    environments: set.environments,
    apis: keep('Api', set.apis),
    applications: keep('Application', set.applications),
    certificates: keep('Certificate', set.certificates ?? []),
    alerts: keep('Alert', set.alerts ?? []),
    invalidNames,
  };
}

/** Whether an apply with this selector writes the environment settings: without a selector, or when the Environment's labels match. */
export function ownsEnvironment(set: ManifestSet, env: string, selector: Selector | undefined): boolean {
  if (!selector) return true;
  const manifest = set.environments.find((e) => e.name === env);
  return manifest !== undefined && matches(selector, manifest.labels);
}
