import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** The machine's CPU time counters (all cores) from /proc/stat, in clock ticks. */
interface CpuTicks {
  idle: number;
  total: number;
}

function cpuTicks(): CpuTicks {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user).
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  return { idle: idle + iowait, total: user + nice + system + idle + iowait + irq + softirq + steal };
}

/**
 * The saturation check printed with every timed figure: how idle the whole machine was over an
 * interval (share of all cores' time spent idle). A figure taken while the machine had almost no
 * idle time measures CPU contention as much as the launcher.
 */
export class MachineLoad {
  private readonly start = cpuTicks();

  /** Idle share of all cores since this was made (0..1), and the cores that share is of. */
  idle(): { idleShare: number; cores: number } {
    const now = cpuTicks();
    const total = now.total - this.start.total;
    return { idleShare: total > 0 ? (now.idle - this.start.idle) / total : 1, cores: os.cpus().length };
  }
}

/** One process's parent, CPU time (user + system, ms, its reaped children's included) and resident memory (bytes), from /proc. */
function oneProcess(pid: number): { ppid: number; cpuMs: number; rssBytes: number } | undefined {
  try {
    // Fields after the command name (which may hold spaces): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    const ticks = fields[11]! + fields[12]! + fields[13]! + fields[14]!;
    const rss = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { ppid: fields[1]!, cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND, rssBytes: Number(rss?.[1] ?? 0) * 1024 };
  } catch {
    return undefined; // gone meanwhile
  }
}

/**
 * CPU time (ms) and resident memory (bytes) of a process with every descendant it runs (a
 * helper such as tsx's esbuild service counts as the launcher's), from /proc.
 */
export function processTreeUsage(root: number): { cpuMs: number; rssBytes: number } {
  const all = new Map<number, { ppid: number; cpuMs: number; rssBytes: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const usage = oneProcess(Number(name));
    if (usage) all.set(Number(name), usage);
  }
  const inTree = (pid: number): boolean => {
    for (let at: number | undefined = pid, hops = 0; at !== undefined && at > 1 && hops < 64; at = all.get(at)?.ppid, hops++) if (at === root) return true;
    return false;
  };
  let cpuMs = 0;
  let rssBytes = 0;
  for (const [pid, usage] of all) {
    if (!inTree(pid)) continue;
    cpuMs += usage.cpuMs;
    rssBytes += usage.rssBytes;
  }
  return { cpuMs, rssBytes };
}

/** USER_HZ: Linux reports process times in hundredths of a second on every architecture it runs here. */
const CLOCK_TICKS_PER_SECOND = 100;
