// The server's log as a person reads it in a terminal ("12:03:04 INFO prediction … succeeded") instead of pino's
// JSON lines; main.ts hands this stream to Fastify's logger.
import { Writable } from 'node:stream';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

export function readableLogStream(out: NodeJS.WritableStream = process.stderr): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        try {
          const entry = JSON.parse(line) as { level: number; time: number; msg?: string; err?: { stack?: string } };
          const time = new Date(entry.time).toTimeString().slice(0, 8);
          out.write(`${time} ${LEVELS[entry.level] ?? entry.level} ${entry.msg ?? ''}${entry.err?.stack ? `\n${entry.err.stack}` : ''}\n`);
        } catch {
          out.write(`${line}\n`);
        }
      }
      done();
    },
  });
}
