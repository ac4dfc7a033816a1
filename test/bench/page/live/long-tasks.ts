/**
 * Main-thread long tasks (over 50 ms, the browser's own definition) seen by a `PerformanceObserver`: what a live
 * system costs the page it runs in — a long task is a moment the page cannot answer input or paint.
 */
import type { LongTasks } from '../api.ts';

export interface LongTaskWatch {
  /** Tasks that started within [`from`, `to`] (`performance.now()` times). */
  between(from: number, to: number): LongTasks;
  stop(): void;
}

/** Starts recording long tasks. */
export function watchLongTasks(): LongTaskWatch {
  const tasks: { start: number; duration: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
  });
  observer.observe({ type: 'longtask' });
  return {
    between(from, to) {
      // Entries are delivered asynchronously: read what is queued before counting.
      for (const entry of observer.takeRecords()) tasks.push({ start: entry.startTime, duration: entry.duration });
      const inside = tasks.filter((t) => t.start >= from && t.start <= to);
      return {
        count: inside.length,
        longestMs: inside.reduce((m, t) => Math.max(m, t.duration), 0),
        totalMs: inside.reduce((s, t) => s + t.duration, 0),
      };
    },
    stop: () => observer.disconnect(),
  };
}
