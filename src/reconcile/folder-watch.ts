import { watch, type FSWatcher } from 'chokidar';

export interface FolderWatchOptions {
  paths: readonly string[];
  /** Quiet time after the last event before `onChange` runs (editors save in several steps). */
  debounceMs: number;
  onChange: () => void;
}

/** Calls onChange once per burst of saves under `paths`, manifests and custom-policy files alike. */
export function watchFolders(options: FolderWatchOptions): { ready: Promise<void>; close(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch([...options.paths], {
    ignoreInitial: true,
    ignored: (file: string) => /(^|[/\\])(\.git|node_modules)([/\\]|$)/.test(file),
  });
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(options.onChange, options.debounceMs);
  };
  watcher.on('all', schedule);
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    close: async () => {
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}
