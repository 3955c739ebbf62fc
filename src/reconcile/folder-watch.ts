import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';

export interface FolderWatchOptions {
  paths: readonly string[];
  /** Quiet time after the last event before `onChange` runs (editors save in several steps). */
  debounceMs: number;
  onChange: () => void;
}

/**
 * chokidar drops a path's change events that come within 50 ms of the one it
 * emitted before (its duplicate filter), so a second save that quick would
 * never trigger. Once that window has passed, the files a burst touched are
 * read again: if one no longer holds what it held when onChange ran, it runs again.
 */
const RECHECK_AFTER_MS = 100;

/** Calls onChange once per burst of saves under `paths`, manifests and custom-policy files alike. */
export function watchFolders(options: FolderWatchOptions): { ready: Promise<void>; close(): Promise<void> } {
  let debounce: NodeJS.Timeout | undefined;
  let recheck: NodeJS.Timeout | undefined;
  let closed = false;
  /** Paths with events since onChange last ran. */
  let touched = new Set<string>();
  /** Paths onChange ran for, with what they held then, until they are checked again. */
  let seen = new Map<string, string | undefined>();

  const changed = async () => {
    const paths = [...touched];
    touched = new Set();
    for (const file of paths) seen.set(file, await contentDigest(file));
    if (closed) return;
    options.onChange();
    if (recheck) clearTimeout(recheck);
    recheck = setTimeout(() => void checkAgain(), RECHECK_AFTER_MS);
  };
  const checkAgain = async () => {
    const entries = [...seen];
    seen = new Map();
    for (const [file, before] of entries) if ((await contentDigest(file)) !== before) touched.add(file);
    if (touched.size > 0 && !closed) await changed();
  };

  const watcher: FSWatcher = watch([...options.paths], {
    ignoreInitial: true,
    ignored: (file: string) => /(^|[/\\])(\.git|node_modules)([/\\]|$)/.test(file),
  });
  const touch = () => {
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => void changed(), options.debounceMs);
  };
  watcher.on('all', (_event, file) => {
    touched.add(file);
    touch();
    // A Kubernetes ConfigMap volume is updated by one rename of `..data` (a link to a new timestamped folder): the
    // files, links into `..data`, never change themselves. They are what the burst touched, so they are read again too.
    if (path.basename(file).startsWith('..')) {
      void readdir(path.dirname(file)).then(
        (names) => {
          for (const name of names) if (!name.startsWith('.')) touched.add(path.join(path.dirname(file), name));
          touch();
        },
        () => undefined,
      );
    }
  });
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    close: async () => {
      closed = true;
      if (debounce) clearTimeout(debounce);
      if (recheck) clearTimeout(recheck);
      await watcher.close();
    },
  };
}

/** A file's content digest; undefined for what cannot be read (deleted, a folder). */
async function contentDigest(file: string): Promise<string | undefined> {
  try {
    return createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  } catch {
    return undefined;
  }
}
