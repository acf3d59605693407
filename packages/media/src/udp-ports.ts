import { createSocket } from 'node:dgram';
import { readdir, readFile, readlink } from 'node:fs/promises';

export interface PortRange {
  min: number;
  max: number;
}

export interface PortPair {
  rtp: number;
  rtcp: number;
}

/**
 * Ports handed out in the last few seconds: nothing is bound on them until ffmpeg starts, so without
 * this two segments starting at once in one process could be given the same pair.
 */
const recentlyHanded = new Map<number, number>();
const HOLD_MS = 15_000;

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    // ffmpeg's RTP input binds the wildcard address, so that is the address that must be free.
    socket.bind({ port, address: '0.0.0.0', exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

/**
 * `count` distinct (even RTP, odd RTCP) UDP port pairs free right now within `range`. Another process can
 * still take one before ffmpeg binds it; the caller notices ffmpeg exiting and asks again.
 */
export async function reserveUdpPortPairs(count: number, range: PortRange): Promise<PortPair[]> {
  const now = Date.now();
  for (const [port, at] of recentlyHanded) if (now - at > HOLD_MS) recentlyHanded.delete(port);
  const firstEven = range.min + (range.min % 2);
  const slots = Math.floor((range.max - firstEven + 1) / 2);
  if (slots < count) throw new Error(`port range ${range.min}-${range.max} is too small`);
  const pairs: PortPair[] = [];
  for (let attempt = 0; pairs.length < count; attempt++) {
    if (attempt > 200) throw new Error(`no free UDP port pair in ${range.min}-${range.max}`);
    const rtp = firstEven + 2 * Math.floor(Math.random() * slots);
    if (recentlyHanded.has(rtp) || pairs.some((p) => p.rtp === rtp)) continue;
    if ((await canBind(rtp)) && (await canBind(rtp + 1))) pairs.push({ rtp, rtcp: rtp + 1 });
  }
  for (const p of pairs) recentlyHanded.set(p.rtp, now);
  return pairs;
}

/**
 * The UDP ports a process has bound, read from /proc (socket inodes of its descriptors matched against
 * the kernel's UDP tables); null where /proc cannot tell (not Linux, or the process is gone).
 */
export async function udpPortsBoundBy(pid: number): Promise<Set<number> | null> {
  let fds: string[];
  try {
    fds = await readdir(`/proc/${pid}/fd`);
  } catch {
    return null;
  }
  const inodes = new Set<string>();
  await Promise.all(
    fds.map(async (fd) => {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m?.[1]) inodes.add(m[1]);
    }),
  );
  const ports = new Set<number>();
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      const inode = cols[9];
      if (!local || !inode || !inodes.has(inode)) continue;
      const port = Number.parseInt(local.split(':')[1] ?? '', 16);
      if (Number.isFinite(port)) ports.add(port);
    }
  }
  return ports;
}
