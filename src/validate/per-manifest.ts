import type { Diagnostic } from '../errors/diagnostic.js';

/**
 * What a rule finds in one manifest, remembered while that manifest is the
 * same object (an unchanged file, see ManifestFileCache) and what else the
 * finding depends on (`context`, named by `key`) is the same: a save among
 * 5,000 APIs checks one API again, not 5,000.
 */
export class PerManifest<M extends object, C = undefined> {
  private readonly found = new WeakMap<M, { key: string; diagnostics: Diagnostic[] }>();

  constructor(private readonly check: (manifest: M, context: C) => Diagnostic[]) {}

  of(manifest: M, context: C, key = ''): Diagnostic[] {
    const known = this.found.get(manifest);
    if (known?.key === key) return known.diagnostics;
    const diagnostics = this.check(manifest, context);
    this.found.set(manifest, { key, diagnostics });
    return diagnostics;
  }
}
