import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { TollgateError } from '../errors/catalog.js';

/** Access-record files as the gateway writes and logrotate renames them: access.ndjson, access.ndjson.1, access.ndjson.2.gz. */
const RECORD_FILE = /\.ndjson(\.\d+)?(\.gz)?$/;

/**
 * The files a --records path names: the file itself, or every record file of
 * a folder (each node's, rotated ones too), sorted by name. They are read as
 * one stream in time order, so the order here does not matter.
 */
export async function recordFiles(target: string): Promise<string[]> {
  const info = await stat(target).catch(() => undefined);
  if (!info) throw new TollgateError('TG_RECORDS', `${target}: no such file or folder`);
  if (info.isFile()) return [target];
  const names = (await readdir(target, { withFileTypes: true }))
    .filter((e) => e.isFile() && RECORD_FILE.test(e.name))
    .map((e) => path.join(target, e.name));
  if (names.length === 0)
    throw new TollgateError(
      'TG_RECORDS',
      `${target}: the folder holds no access-record files (*.ndjson, *.ndjson.N, *.ndjson.N.gz)`,
    );
  return names.sort();
}
