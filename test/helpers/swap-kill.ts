// Killing a `sluice` command that swaps data files (compact, reload) at chosen moments of its swap, and telling
// from `_sluice/swaps/` where it died.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SLUICE_BIN } from './cli';

export type SwapPhase = 'writing' | 'swapping' | 'between';

/** When to kill: after a number of ms, a random 0-40 ms after the swap's working directory appears, or soon after its record does. */
export type SwapKillAt = number | 'writing' | 'swap';

export interface SwapKillResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  phase: SwapPhase;
}

export function swapEntries(table: string): string[] {
  const dir = path.join(table, '_sluice', 'swaps');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

/** What a killed command left: a working directory with its record means it died while swapping. */
export function swapPhaseOf(table: string, before: ReadonlySet<string>): SwapPhase {
  const fresh = swapEntries(table).filter((e) => !before.has(e));
  const dirs = fresh.filter((e) => !e.endsWith('.json'));
  if (dirs.length === 0) return 'between';
  return dirs.some((d) => fresh.includes(`${d}.json`)) ? 'swapping' : 'writing';
}

/** `sluice <args>` as a child over `table`, killed with SIGKILL at `killAt` (0 to `swapJitterMs` ms after the record for 'swap'). */
export function swapKillChild(args: string[], table: string, killAt: SwapKillAt, swapJitterMs: number): Promise<SwapKillResult> {
  const before = new Set(swapEntries(table));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SLUICE_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    const kill = () => child.kill('SIGKILL');
    if (typeof killAt === 'number') {
      timer = setTimeout(kill, killAt);
    } else {
      poll = setInterval(() => {
        const fresh = swapEntries(table).filter((e) => !before.has(e));
        if (!fresh.some((e) => (killAt === 'swap' ? e.endsWith('.json') : !e.endsWith('.json')))) return;
        clearInterval(poll);
        timer = setTimeout(kill, Math.floor(Math.random() * (killAt === 'swap' ? swapJitterMs : 40)));
      }, 1);
    }
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ code, signal, stderr, phase: signal === 'SIGKILL' ? swapPhaseOf(table, before) : 'between' });
    });
  });
}
