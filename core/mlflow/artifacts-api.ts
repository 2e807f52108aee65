import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TrackingError } from '../errors.js';
import { ARTIFACTS_BASE, artifactUrlPath, assertArtifactPath, joinArtifactPath } from './artifact-path.js';
import type { ArtifactEntry } from './entities.js';
import type { MlflowTransport } from './mlflow-transport.js';

/** What a directory transfer moved. */
export interface TransferSummary {
  readonly files: number;
  readonly bytes: number;
}

interface WireFileInfo {
  path: string;
  is_dir?: boolean;
  file_size?: number | string;
}

/**
 * Artifacts through the tracking server's proxy, addressed by proxy path (see runArtifactPath). Files stream
 * from and to disk. Empty directories are not kept: artifact stores hold files only.
 */
export class ArtifactsApi {
  constructor(private readonly transport: MlflowTransport) {}

  /** Uploads one file (PUT), replacing what was there. */
  async upload(localFile: string, artifactPath: string): Promise<void> {
    assertArtifactPath(this.transport.endpoint('PUT', ARTIFACTS_BASE), artifactPath);
    await this.transport.upload(artifactUrlPath(artifactPath), localFile);
  }

  /** Uploads every file below a local directory to `artifactPath/<relative path>`, one at a time in name order. */
  async uploadDirectory(localDir: string, artifactPath: string): Promise<TransferSummary> {
    assertArtifactPath(this.transport.endpoint('PUT', ARTIFACTS_BASE), artifactPath);
    let files = 0;
    let bytes = 0;
    const walk = async (dir: string, prefix: string): Promise<void> => {
      const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const local = join(dir, entry.name);
        // Linked directories are not followed (a link to an ancestor would never end); linked files are.
        if (entry.isDirectory()) {
          await walk(local, joinArtifactPath(prefix, entry.name));
          continue;
        }
        const info = await stat(local);
        if (info.isFile()) {
          await this.upload(local, joinArtifactPath(prefix, entry.name));
          files += 1;
          bytes += info.size;
        }
      }
    };
    await walk(localDir, artifactPath);
    return { files, bytes };
  }

  /** Downloads one file (GET) to `localFile`, which appears only once complete. */
  async download(artifactPath: string, localFile: string): Promise<void> {
    assertArtifactPath(this.transport.endpoint('GET', ARTIFACTS_BASE), artifactPath);
    await this.transport.download(artifactUrlPath(artifactPath), localFile);
  }

  /** Downloads every file below `artifactPath` into `localDir`, keeping the layout. */
  async downloadDirectory(artifactPath: string, localDir: string): Promise<TransferSummary> {
    let files = 0;
    let bytes = 0;
    const walk = async (path: string, dir: string): Promise<void> => {
      for (const entry of await this.list(path)) {
        const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
        if (entry.isDir) await walk(entry.path, join(dir, name));
        else {
          await this.download(entry.path, join(dir, name));
          files += 1;
          bytes += entry.size ?? 0;
        }
      }
    };
    await walk(artifactPath, localDir);
    return { files, bytes };
  }

  /**
   * The entries directly below `path` (the proxy root when omitted), with paths relative to the root. A path
   * that does not exist lists as empty: the server does not tell it apart from an empty directory.
   */
  async list(path?: string): Promise<ArtifactEntry[]> {
    const endpoint = this.transport.endpoint('GET', ARTIFACTS_BASE);
    if (path !== undefined) assertArtifactPath(endpoint, path);
    const res = await this.transport.json<{ files?: WireFileInfo[] }>({ method: 'GET', path: ARTIFACTS_BASE, query: { path } }, 'idempotent');
    return (res.files ?? []).map((f) => {
      // The server lists base names; one that could climb out of the listed directory is refused.
      if (f.path === '' || f.path === '.' || f.path === '..' || f.path.includes('/')) {
        throw new TrackingError(`unexpected artifact name ${JSON.stringify(f.path)} in the listing of ${JSON.stringify(path ?? '')}`, { endpoint });
      }
      const size = f.file_size === undefined ? undefined : Number(f.file_size);
      return { path: joinArtifactPath(path ?? '', f.path), isDir: Boolean(f.is_dir), ...(size === undefined ? {} : { size }) };
    });
  }
}
