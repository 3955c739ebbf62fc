import type { Diagnostic } from '../errors/diagnostic.js';
import type { Kind, Manifest } from './types.js';

/** What one manifest file yields once parsed and schema-checked. */
export interface LoadedFile {
  /** sha256 of the text. */
  digest: string;
  manifests: Manifest[];
  /** Documents of a known kind that failed (syntax or schema): their names still count as defined. */
  invalid: { kind: Kind; name: string }[];
  diagnostics: Diagnostic[];
}

/**
 * Loaded files by path, kept while their bytes are unchanged. A reconciler that
 * sees one file change re-parses that file only, and the manifests of the
 * others stay the very same objects, so what was built from them is reused
 * too. Nothing may mutate a manifest handed out from here.
 */
export class ManifestFileCache {
  private readonly files = new Map<string, { content: Buffer; loaded: LoadedFile }>();

  /** An unchanged file is compared as bytes, never decoded again. */
  load(file: string, content: Buffer, loadFile: (file: string, text: string) => LoadedFile): LoadedFile {
    const cached = this.files.get(file);
    if (cached?.content.equals(content)) return cached.loaded;
    const loaded = loadFile(file, content.toString());
    this.files.set(file, { content, loaded });
    return loaded;
  }

  /** Forgets every file not in `files` (deleted or no longer read). */
  retainOnly(files: readonly string[]): void {
    const keep = new Set(files);
    for (const file of this.files.keys()) if (!keep.has(file)) this.files.delete(file);
  }
}
