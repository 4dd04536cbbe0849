/**
 * The connection file, as IPython's `ipcontroller-client.json`: `cluster start`
 * writes where its Redis is (and the password, so the file is readable by its
 * owner only), and `Client.connect()` finds it by itself.
 *
 * Where: `~/.course-kit/cluster.json`, or the path in the environment variable
 * COURSE_KIT_CLUSTER_FILE (the tests use their own, so they never touch yours).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface ConnectionFile {
  /** redis://host:port (the password is not in it). */
  readonly url: string;
  readonly password?: string;
  /** The background process that started everything (`cluster stop` ends it). */
  readonly controllerPid: number;
  /** The redis-server, if the cluster started its own (else undefined: an existing Redis). */
  readonly redisPid?: number;
  readonly enginePids: readonly number[];
  readonly startedAt: string;
}

export function defaultConnectionFile(): string {
  return process.env.COURSE_KIT_CLUSTER_FILE || join(homedir(), '.course-kit', 'cluster.json');
}

export function writeConnectionFile(path: string, contents: ConnectionFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600 });
}

/** The file's contents, or undefined when there is none. */
export function readConnectionFile(path: string): ConnectionFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<ConnectionFile>;
  if (typeof parsed.url !== 'string' || typeof parsed.controllerPid !== 'number') {
    throw new Error(`${path} is not a cluster connection file (no url or controllerPid): delete it and start the cluster again`);
  }
  return parsed as ConnectionFile;
}

export function removeConnectionFile(path: string): void {
  rmSync(path, { force: true });
}
