import type { Diagnostic } from '../errors/diagnostic.js';
import type { FileStat } from './discover.js';
import type { Kind, Manifest } from './types.js';

/**
 * A file modified this recently may change again within its timestamp's
 * granularity without its stat changing (git's "racy" entries): its bytes are
 * compared, not its stat.
 */
const RACY_MS = 3_000;

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
  private readonly files = new Map<
    string,
    { content: Buffer; loaded: LoadedFile; stat?: FileStat; statTrusted: boolean }
  >();

  /** `racyMs`: how long after its last change a file's stat is not trusted (tests set 0). */
  constructor(private readonly racyMs = RACY_MS) {}

  /**
   * What a file yielded when its stat (size, modification and change times,
   * inode) is the one it had when it was read, long enough after its last
   * change: it is not read again. A save among 100 files of 5,000 APIs then
   * reads one file, not 6 MB.
   */
  unchanged(stat: FileStat): LoadedFile | undefined {
    const cached = this.files.get(stat.file);
    if (!cached?.statTrusted || !cached.stat) return undefined;
    const s = cached.stat;
    const same = s.size === stat.size && s.mtimeMs === stat.mtimeMs && s.ctimeMs === stat.ctimeMs && s.ino === stat.ino;
    return same ? cached.loaded : undefined;
  }

  /** An unchanged file is compared as bytes, never decoded again. */
  load(
    file: string,
    content: Buffer,
    loadFile: (file: string, text: string) => LoadedFile,
    stat?: FileStat,
  ): LoadedFile {
    const cached = this.files.get(file);
    const loaded = cached?.content.equals(content) ? cached.loaded : loadFile(file, content.toString());
    const statTrusted = stat !== undefined && Date.now() - Math.max(stat.mtimeMs, stat.ctimeMs) > this.racyMs;
    this.files.set(file, { content, loaded, ...(stat ? { stat } : {}), statTrusted });
    return loaded;
  }

  /** Forgets every file not in `files` (deleted or no longer read). */
  retainOnly(files: readonly string[]): void {
    const keep = new Set(files);
    for (const file of this.files.keys()) if (!keep.has(file)) this.files.delete(file);
  }
}
