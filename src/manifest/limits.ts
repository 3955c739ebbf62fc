/** Bounds on what one revision of manifests may make the control side read. */
export interface ManifestLimits {
  /** Largest manifest file read (bytes). */
  maxFileBytes: number;
  /** Largest total of the manifest files of one revision (bytes). */
  maxRepositoryBytes: number;
}

export const MIB = 1024 * 1024;

export const DEFAULT_MANIFEST_LIMITS: Readonly<ManifestLimits> = Object.freeze({
  maxFileBytes: 16 * MIB,
  maxRepositoryBytes: 256 * MIB,
});

export function formatBytes(bytes: number): string {
  return bytes >= MIB ? `${(bytes / MIB).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}
