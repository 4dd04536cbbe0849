/**
 * An operating-system sandbox for code nobody vouches for, on bubblewrap
 * (`bwrap`), the sandbox Flatpak uses. What runs inside gets:
 *
 * - its own mount namespace: a read-only view of the system's programs and
 *   libraries plus exactly the host paths it is given, fresh tmpfs folders
 *   (nothing it writes reaches the disk), a fresh /proc and a minimal /dev;
 * - its own pid namespace (it sees only its own processes; when the sandbox
 *   ends, the kernel ends every one of them, also those that called setsid),
 *   network namespace (loopback only: no way in or out), IPC and UTS;
 * - `--die-with-parent` and `--new-session`;
 * - rlimits (prlimit): memory (RLIMIT_DATA), tasks (RLIMIT_NPROC, threads
 *   count), file size, open files, no core dumps;
 * - a user of its own: as root, the command runs as an unprivileged uid of its
 *   own (so RLIMIT_NPROC counts only this sandbox's tasks); as another user,
 *   in a user namespace.
 *
 * `sandboxCommand()` builds the command line; `probeOsSandbox()` says whether
 * this machine can make such sandboxes (some containers cannot), in one line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { randomInt } from 'node:crypto';

/** A host path shown read-only inside the sandbox at `to`. */
export interface ReadOnlyMount {
  from: string;
  to: string;
}

export interface OsLimits {
  /** Most private writable memory (RLIMIT_DATA), in bytes. */
  dataBytes: number;
  /** Most tasks (processes and threads) of the sandbox's user (RLIMIT_NPROC). */
  tasks: number;
  /** Largest file it may write (RLIMIT_FSIZE), in bytes. */
  fileSizeBytes: number;
  /** Most open file descriptors (RLIMIT_NOFILE). */
  openFiles: number;
}

export interface OsSandboxSpec {
  /** The command and its arguments, as paths inside the sandbox. */
  command: string[];
  /** Host paths to show, read-only. The system (/usr, the node binary, ld.so.cache) is always there. */
  readOnly: ReadOnlyMount[];
  /** Folders that start empty, writable, in memory (tmpfs). */
  writable: string[];
  /** Empty read-only folders to create (mode 0755), e.g. the parents of mounts. */
  directories?: string[];
  /** Symbolic links to create: `at` → `target`. */
  symlinks?: Array<{ at: string; target: string }>;
  cwd: string;
  /** The whole environment inside (nothing of the caller's is passed on). */
  env: Record<string, string>;
  limits: OsLimits;
}

/** bubblewrap's path: Debian's, or COURSE_KIT_BWRAP (also how a test shows a machine without it). */
const BWRAP = process.env.COURSE_KIT_BWRAP ?? '/usr/bin/bwrap';
const PRLIMIT = '/usr/bin/prlimit';
const SETPRIV = '/usr/bin/setpriv';

/** First uid of the range sandboxes run as when the grader is root (none of them has an account). */
const SANDBOX_UID_BASE = 2_000_000;

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * The system part of the view: /usr read-only, the top-level links of a
 * merged-/usr system (/bin → usr/bin...) or the folders themselves, the
 * loader's cache, OpenSSL's configuration (Node reads it at start), /etc/hosts
 * (so "localhost" resolves) and the node binary when it lives outside /usr.
 */
function systemArguments(): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const top of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    let stat;
    try {
      stat = lstatSync(top);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) args.push('--symlink', readlinkSync(top), top);
    else if (stat.isDirectory()) args.push('--ro-bind', top, top);
  }
  // bwrap makes missing parents 0700, which an unprivileged uid cannot enter.
  args.push('--perms', '0755', '--dir', '/etc', '--perms', '0755', '--dir', '/etc/ssl');
  for (const file of ['/etc/ld.so.cache', '/etc/ssl/openssl.cnf', '/etc/hosts', '/etc/localtime', '/etc/nsswitch.conf']) {
    args.push('--ro-bind-try', file, file);
  }
  const node = realpathSync(process.execPath);
  if (!node.startsWith('/usr/')) args.push('--ro-bind', node, process.execPath);
  return args;
}

/** Tasks the current (non-root) user runs now: RLIMIT_NPROC counts them all, so the sandbox's allowance is added to it. */
function tasksOfThisUser(): number {
  const uid = process.getuid?.();
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'latin1');
      const owner = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
      if (owner === uid) count += Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 1);
    } catch {
      // ended meanwhile
    }
  }
  return count;
}

/** The program to spawn and its arguments: prlimit, then bwrap, then (as root) setpriv, then the command. */
export function sandboxCommand(spec: OsSandboxSpec): { file: string; args: string[] } {
  const root = isRoot();
  const uid = root ? SANDBOX_UID_BASE + randomInt(1_000_000) : undefined;
  const tasks = root ? spec.limits.tasks : tasksOfThisUser() + spec.limits.tasks;
  const limits = [
    `--data=${Math.round(spec.limits.dataBytes)}`,
    `--nproc=${tasks}`,
    `--fsize=${Math.round(spec.limits.fileSizeBytes)}`,
    `--nofile=${spec.limits.openFiles}`,
    '--core=0',
  ];
  const namespaces = root
    ? ['--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try']
    : ['--unshare-user', '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try'];
  const view: string[] = [...systemArguments(), '--proc', '/proc', '--dev', '/dev'];
  for (const folder of spec.writable) view.push('--perms', '1777', '--tmpfs', folder);
  for (const folder of spec.directories ?? []) view.push('--perms', '0755', '--dir', folder);
  for (const mount of spec.readOnly) view.push('--ro-bind', mount.from, mount.to);
  for (const link of spec.symlinks ?? []) view.push('--symlink', link.target, link.at);
  const environment = ['--clearenv', ...Object.entries(spec.env).flatMap(([name, value]) => ['--setenv', name, value])];
  // As root: drop to a uid of the sandbox's own before the command runs (bwrap keeps only the two capabilities setpriv needs).
  const dropPrivileges =
    uid === undefined
      ? []
      : [
          '--cap-add',
          'CAP_SETUID',
          '--cap-add',
          'CAP_SETGID',
          '--',
          SETPRIV,
          `--reuid=${uid}`,
          `--regid=${uid}`,
          '--clear-groups',
          '--inh-caps=-all',
          '--bounding-set=-all',
          '--no-new-privs',
        ];
  const args = [
    ...limits,
    '--',
    BWRAP,
    ...namespaces,
    '--die-with-parent',
    '--new-session',
    ...view,
    '--chdir',
    spec.cwd,
    ...environment,
    ...dropPrivileges,
    '--',
    ...spec.command,
  ];
  return { file: PRLIMIT, args };
}

export type SandboxProbe = { available: true } | { available: false; reason: string };

let probed: SandboxProbe | undefined;

/**
 * Whether OS sandboxes can be made here: bwrap, prlimit and (as root) setpriv
 * are installed and a sandbox with every namespace starts. Asked once per process.
 */
export function probeOsSandbox(): SandboxProbe {
  if (probed) return probed;
  const missing = [BWRAP, PRLIMIT, ...(isRoot() ? [SETPRIV] : [])].filter((file) => !existsSync(file));
  if (missing.length > 0) {
    const what = missing.includes(BWRAP) ? 'bubblewrap (bwrap) is not installed' : `${missing.join(' and ')} not found`;
    return (probed = { available: false, reason: `${what}; install it with: sudo apt-get install bubblewrap util-linux` });
  }
  const { file, args } = sandboxCommand({
    command: [process.execPath, '-e', 'process.stdout.write("sandbox ok")'],
    readOnly: [],
    writable: ['/tmp'],
    cwd: '/tmp',
    env: { PATH: '/usr/bin:/bin' },
    limits: { dataBytes: 512 * 1024 * 1024, tasks: 64, fileSizeBytes: 1024 * 1024, openFiles: 256 },
  });
  const run = spawnSync(file, args, { encoding: 'utf8', timeout: 15_000 });
  if (run.stdout === 'sandbox ok') return (probed = { available: true });
  const said = (run.stderr || run.error?.message || `exit code ${run.status}`).trim().split('\n')[0];
  return (probed = { available: false, reason: `bubblewrap cannot create its namespaces on this machine (${said})` });
}
