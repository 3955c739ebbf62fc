import path from 'node:path';
import { watchFolders } from '../folder-watch.js';
import type { ManifestSource, SourceSnapshot } from './types.js';

export class FolderSource implements ManifestSource {
  readonly kind = 'folder' as const;
  readonly description: string;
  private watcher: ReturnType<typeof watchFolders> | undefined;

  constructor(
    private readonly paths: readonly string[],
    private readonly options: { watch: boolean; debounceMs?: number } = { watch: true },
  ) {
    this.description = `folder ${paths.map((p) => path.resolve(p)).join(', ')}`;
  }

  async snapshot(): Promise<SourceSnapshot> {
    return { paths: [...this.paths] };
  }

  async watch(onChange: (trigger: string) => void): Promise<void> {
    if (!this.options.watch) return;
    this.watcher = watchFolders({
      paths: this.paths,
      debounceMs: this.options.debounceMs ?? 25,
      onChange: () => onChange('file change'),
    });
    await this.watcher.ready;
  }

  async close(): Promise<void> {
    await this.watcher?.close();
  }
}
