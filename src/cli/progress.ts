/** A one-line progress display (records/s, ETA) for a terminal; silent when stderr is not a TTY. */
export function progressLine(total: number, stream: NodeJS.WriteStream = process.stderr): { add: (n: number) => void; done: () => void; clear: () => void } {
  if (!stream.isTTY || total <= 0) return { add: () => undefined, done: () => undefined, clear: () => undefined };
  const started = Date.now();
  let loaded = 0;
  let lastDraw = 0;
  const draw = () => {
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? loaded / seconds : 0;
    const eta = rate > 0 ? Math.ceil((total - loaded) / rate) : 0;
    const width = 30;
    const filled = Math.min(width, Math.round((loaded / total) * width));
    stream.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${loaded}/${total} records  ${Math.round(rate)}/s  ETA ${eta}s `);
  };
  return {
    add(n) {
      loaded += n;
      if (Date.now() - lastDraw > 200) {
        lastDraw = Date.now();
        draw();
      }
    },
    done() {
      draw();
      stream.write('\n');
    },
    /** Erases the line, so that a log line written next starts at the margin (the next `add` draws it again). */
    clear() {
      stream.write('\r\x1b[K');
      lastDraw = 0;
    },
  };
}
