import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort } from '../../src/platform/process/free-port.js';

const DOVECOT = process.env.DOVECOT_PATH ?? '/usr/sbin/dovecot';
/** Dovecot refuses to open mail as root (uid 0): as root, the mail belongs to `nobody`. */
const NOBODY = 65534;

export interface Dovecot {
  host: string;
  port: number;
  /** Adds a user (usable at once: the passwd-file is read on each login). */
  addUser(user: string, password: string): Promise<void>;
  /** An IMAP client signed in as `user`, for the test to deliver and look (close it after). */
  client(user: string, password: string): Promise<ImapFlow>;
  stop(): Promise<void>;
}

/**
 * A private Dovecot (2.3) for the mailbox polling tests: its own configuration, sockets, state and
 * maildirs in a temporary folder, IMAP without TLS on a free loopback port, PLAIN and LOGIN over
 * clear text, users in a passwd-file. Runs as the current user; as root its mail processes run as
 * `nobody` (Dovecot refuses uid 0). IDLE notices new mail within a second.
 */
export async function startDovecot(): Promise<Dovecot> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sb-dovecot-'));
  const root = process.getuid?.() === 0;
  const mailUid = root ? NOBODY : process.getuid!();
  const mailGid = root ? NOBODY : process.getgid!();
  const me = userInfo().username;
  // Dovecot's own unprivileged users as root (the package creates them), the current user otherwise.
  const [loginUser, internalUser] = root ? ['dovenull', 'dovecot'] : [me, me];
  const port = await freePort();
  const users = path.join(dir, 'users');
  await chmod(dir, 0o755);
  await mkdir(path.join(dir, 'run'));
  await mkdir(path.join(dir, 'state'));
  await mkdir(path.join(dir, 'mail'));
  if (root) await chown(path.join(dir, 'mail'), mailUid, mailGid);
  await writeFile(users, '');
  const conf = path.join(dir, 'dovecot.conf');
  await writeFile(
    conf,
    `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = sb-${port}
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_login_user = ${loginUser}
default_internal_user = ${internalUser}
first_valid_uid = 1
mail_location = maildir:${dir}/mail/%u
mailbox_idle_check_interval = 1 secs
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${users}
}
userdb {
  driver = passwd-file
  args = username_format=%u ${users}
  default_fields = uid=${mailUid} gid=${mailGid} home=${dir}/mail/%u
}
# No auth penalty (wiki: Authentication.Penalty): the wrong-password test must not slow later sign-ins.
service anvil {
  chroot =
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`,
  );
  const child = spawn(DOVECOT, ['-F', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await listening(port, child, () => output);
  } catch (error) {
    child.kill('SIGTERM');
    const log = await readFile(path.join(dir, 'dovecot.log'), 'utf8').catch(() => '');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${output}\n${log}`);
  }

  return {
    host: '127.0.0.1',
    port,
    async addUser(user, password) {
      const existing = await readFile(users, 'utf8');
      await writeFile(users, `${existing}${user}:{PLAIN}${password}::::::\n`);
    },
    async client(user, password) {
      const client = new ImapFlow({
        host: '127.0.0.1',
        port,
        secure: false,
        doSTARTTLS: false,
        auth: { user, pass: password },
        logger: false,
        disableAutoIdle: true,
      });
      client.on('error', () => {});
      await client.connect();
      return client;
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until the port takes connections, or fails when Dovecot exits first. */
async function listening(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`dovecot exited with ${child.exitCode}: ${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`dovecot did not listen on ${port} within 10 s`);
}
