/** Where manifests come from: a folder, or a branch of a git repository. */
export interface ManifestSource {
  readonly kind: 'folder' | 'git';
  readonly description: string;
  /** Brings the tree up to date (git: fetch + checkout) and says where to read it and at which revision. */
  snapshot(): Promise<SourceSnapshot>;
  /** Calls `onChange` when the source may have changed (saved file, poll interval). */
  watch(onChange: (trigger: string) => void): Promise<void>;
  close(): Promise<void>;
}

export interface SourceSnapshot {
  /** Commit SHA for git; undefined for a folder (its revision is the digest of the files read). */
  revision?: string;
  paths: string[];
}
